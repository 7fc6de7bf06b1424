import Foundation
import TLSystem

/// Where arrays live on disk, parsed from the strings users write (docs/pipeline.md §2):
/// `a.npy`, `a.npz:key`, `a.safetensors:name`, `a.h5:/group/dataset`, or a whole `.npz`,
/// `.safetensors`, `.h5` or directory. The one parser of those strings is ``init(parsing:)``;
/// the readers take what it parsed.
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
    let kind = FileKind.of(path)
    if kind == .directory { return }
    if kind != nil {
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
