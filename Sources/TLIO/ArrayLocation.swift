import Foundation
import TLHDF5

/// Where arrays live on disk, parsed from the strings users write (pipeline.md §2):
/// `a.npy`, `a.npz:key`, `a.safetensors:name`, `a.h5:/group/dataset`, or a whole `.npz`,
/// `.safetensors`, `.h5` or directory.
public enum ArrayLocation: Sendable, Equatable, CustomStringConvertible {
  /// One `.npy` file.
  case npy(path: String)
  /// One member of an `.npz` archive.
  case npzMember(path: String, member: String)
  /// One dataset of an HDF5 file (absolute path inside the file).
  case hdf5Dataset(path: String, dataset: String)
  /// Every array of a directory of `.npy` files.
  case directory(path: String)
  /// Every member of an `.npz` archive.
  case npz(path: String)
  /// Every dataset of an HDF5 file.
  case hdf5(path: String)
  /// One tensor of a `.safetensors` file.
  case safetensorsTensor(path: String, name: String)
  /// Every tensor of a `.safetensors` file.
  case safetensors(path: String)

  /// Parses `text`. A source splits right after the file's own extension, at the first
  /// `.npz:` (a member), the first `.safetensors:` (a tensor) or the first `.h5:/`/`.hdf5:/`
  /// (a dataset), case-insensitively, which ever comes first: member, tensor and dataset names
  /// may hold colons and dots (`w.npz:kernel:0` is member `kernel:0`, a Keras variable;
  /// `w.safetensors:encoder.0.weight` one tensor), and so may directories before the file
  /// (`dir:x/a.npz:W`). Otherwise the extension decides, and anything else is a directory
  /// (which a reader may still find to be an HDF5 file by its signature:
  /// ``recognizingHDF5(lookingIn:)``).
  public init(parsing text: String) {
    if let (file, name) = Self.splitSafeTensors(text), Self.splitsBeforeOthers(file.count, in: text) {
      self = .safetensorsTensor(path: file, name: name)
      return
    }
    let member = text.range(of: ".npz:", options: .caseInsensitive)
    let dataset = HDF5Path.split(text)
    if let member, !text[member.upperBound...].isEmpty,
      dataset.map({ member.upperBound <= text.index(text.startIndex, offsetBy: $0.file.count) })
        ?? true
    {
      self = .npzMember(
        path: String(text[..<text.index(before: member.upperBound)]),
        member: String(text[member.upperBound...]))
      return
    }
    if let (file, path) = dataset {
      self = .hdf5Dataset(path: file, dataset: path)
      return
    }
    let lower = text.lowercased()
    if lower.hasSuffix(".npy") {
      self = .npy(path: text)
    } else if lower.hasSuffix(".npz") {
      self = .npz(path: text)
    } else if lower.hasSuffix(".safetensors") {
      self = .safetensors(path: text)
    } else if Self.isHDF5(text) {
      self = .hdf5(path: text)
    } else {
      self = .directory(path: text)
    }
  }

  /// The forms a place to write arrays may take, as error messages list them.
  public static let targetForms =
    "a .npy, .npz or .h5 (.hdf5) file, a .safetensors file, a.npz:key, a.safetensors:name, a.h5:/group/name, or a directory (an existing one, or a path ending in /)"

  /// Parses a place to write arrays to. A path that would be taken for a directory but has an
  /// extension tl-run does not know (`o.txt`) is refused rather than made into a directory,
  /// unless it is an existing directory or ends in `/`; an existing file that is not a
  /// directory is refused too.
  public init(target text: String) throws {
    self.init(parsing: text)
    guard case .directory(let path) = self, !text.hasSuffix("/") else { return }
    var isDirectory: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
    if exists && isDirectory.boolValue { return }
    if exists {
      throw ArrayIOError(path: text, "exists and is not a directory; a target is \(Self.targetForms)")
    }
    if let ext = Self.unknownExtension(text) {
      throw ArrayIOError(path: text, "unknown extension .\(ext); a target is \(Self.targetForms)")
    }
  }

  /// The extension (`txt`) that keeps `text`, read as a directory, from being taken for one:
  /// one that is not `.npy`, `.npz`, `.safetensors`, `.h5` or `.hdf5`, on a path that does not end in `/`. Nil
  /// when `text` is a file tl-run knows or may be a directory.
  public static func unknownExtension(_ text: String) -> String? {
    guard case .directory = ArrayLocation(parsing: text), !text.hasSuffix("/") else { return nil }
    let last = (text as NSString).lastPathComponent
    let stem = last.drop { $0 == "." }  // .hidden is a name, not an extension
    guard let dot = stem.lastIndex(of: "."), stem.index(after: dot) < stem.endIndex else { return nil }
    return String(stem[stem.index(after: dot)...])
  }

  static func isHDF5(_ path: String) -> Bool {
    let lower = path.lowercased()
    return lower.hasSuffix(".h5") || lower.hasSuffix(".hdf5")
  }

  /// The file or directory on disk.
  public var path: String {
    switch self {
    case .npy(let p), .npzMember(let p, _), .hdf5Dataset(let p, _), .directory(let p), .npz(let p), .hdf5(let p),
      .safetensorsTensor(let p, _), .safetensors(let p):
      p
    }
  }

  /// Whether this names exactly one array (rather than a collection).
  public var isSingleArray: Bool {
    switch self {
    case .npy, .npzMember, .hdf5Dataset, .safetensorsTensor: true
    case .directory, .npz, .hdf5, .safetensors: false
    }
  }

  /// The same location with its file path replaced (used to resolve relative paths).
  public func withPath(_ newPath: String) -> ArrayLocation {
    switch self {
    case .npy: .npy(path: newPath)
    case .npzMember(_, let m): .npzMember(path: newPath, member: m)
    case .hdf5Dataset(_, let d): .hdf5Dataset(path: newPath, dataset: d)
    case .directory: .directory(path: newPath)
    case .npz: .npz(path: newPath)
    case .hdf5: .hdf5(path: newPath)
    case .safetensorsTensor(_, let n): .safetensorsTensor(path: newPath, name: n)
    case .safetensors: .safetensors(path: newPath)
    }
  }

  /// The name an array from here gets in a collection: the file's stem, the member, or the
  /// dataset path with `/` as `.` (`/embed/dW` → `embed.dW`).
  public var arrayName: String {
    switch self {
    case .npy(let p): URL(fileURLWithPath: p).deletingPathExtension().lastPathComponent
    case .npzMember(_, let m): m
    case .safetensorsTensor(_, let n): n
    case .hdf5Dataset(_, let d): ArrayNames.fromHDF5(d)
    case .directory(let p), .npz(let p), .hdf5(let p), .safetensors(let p):
      URL(fileURLWithPath: p).deletingPathExtension().lastPathComponent
    }
  }

  public var description: String {
    switch self {
    case .npzMember(let p, let m), .safetensorsTensor(let p, let m): "\(p):\(m)"
    case .hdf5Dataset(let p, let d): "\(p):\(d)"
    default: path
    }
  }
}

/// The mapping between result names (`embed.dW`) and HDF5 dataset paths (`/embed/dW`).
public enum ArrayNames {
  public static func fromHDF5(_ dataset: String) -> String {
    dataset.split(separator: "/").joined(separator: ".")
  }
  public static func toHDF5(_ name: String) -> String {
    "/" + name.split(separator: ".").joined(separator: "/")
  }
}
