import Foundation

extension ArrayLocation {
  /// The file extensions of HDF5 files, lower case.
  static let hdf5Extensions = ["h5", "hdf5"]

  /// Parses `text`: the one parser of array sources. A source splits right after the file's
  /// own extension, at the first `.npz:` (a member), the first `.safetensors:` (a tensor) or
  /// the first `.h5:`/`.hdf5:` (a dataset), case-insensitively, whichever comes first and has
  /// something after it: member, tensor and dataset names may hold colons and dots
  /// (`w.npz:kernel:0` is member `kernel:0`, a Keras variable; `w.safetensors:encoder.0.weight`
  /// one tensor; `a.h5:/g:/d` is dataset `/g:/d`), and so may directories before the file
  /// (`dir:x/a.npz:W`). Otherwise the extension decides, and anything else is a directory
  /// (which a reader may still find to be an HDF5 file by its signature:
  /// ``recognizingHDF5(lookingIn:)``).
  public init(parsing text: String) {
    let member = Self.splitAfter(".npz:", in: text)
    let tensor = Self.splitAfter(".safetensors:", in: text)
    let dataset = Self.splitDataset(text)
    let first = [member?.upperBound, tensor?.upperBound, dataset?.separator].compactMap { $0 }.min()
    if let member, member.upperBound == first {
      self = .npzMember(
        path: String(text[..<text.index(before: member.upperBound)]),
        member: String(text[member.upperBound...]))
    } else if let tensor, tensor.upperBound == first {
      self = .safetensorsTensor(
        path: String(text[..<text.index(before: tensor.upperBound)]),
        name: String(text[tensor.upperBound...]))
    } else if let dataset {
      self = .hdf5Dataset(path: dataset.file, dataset: dataset.path)
    } else {
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
  }

  /// The first `separator` (`.npz:`, `.safetensors:`; any case) in `text` that has something
  /// after it; nil when there is none.
  static func splitAfter(_ separator: String, in text: String) -> Range<String.Index>? {
    text.range(of: separator, options: .caseInsensitive).flatMap { range in
      range.upperBound < text.endIndex ? range : nil
    }
  }

  /// Splits `file.h5:/group/dataset` right after the file's own extension: at the first
  /// `.h5:` or `.hdf5:` (case-insensitive) that has something after it, so a dataset path may
  /// hold `:/` and `.h5:/` (`a.h5:/g:/d` is dataset `/g:/d`) and a file name may hold colons
  /// before its extension (`dir:x/a.h5:/d`); nil when `text` has neither. A path without its
  /// leading slash is taken from the root, as h5py takes `f["lstm/Wx"]`: `w.h5:lstm/Wx` is
  /// dataset `/lstm/Wx`. `separator` is where the dataset path starts.
  static func splitDataset(_ text: String) -> (file: String, path: String, separator: String.Index)? {
    let found = hdf5Extensions.compactMap { ext in
      text.range(of: ".\(ext):", options: .caseInsensitive)
    }.filter { $0.upperBound < text.endIndex }
    guard let separator = found.min(by: { $0.lowerBound < $1.lowerBound }) else { return nil }
    let colon = text.index(before: separator.upperBound)
    let rest = String(text[separator.upperBound...])
    return (String(text[..<colon]), rest.hasPrefix("/") ? rest : "/" + rest, separator.upperBound)
  }

  /// Whether `path` names an HDF5 file by its extension.
  static func isHDF5(_ path: String) -> Bool {
    let lower = path.lowercased()
    return hdf5Extensions.contains { lower.hasSuffix(".\($0)") }
  }
}
