import Foundation

/// Array sources of the form `file.h5:/group/dataset` and the paths inside a file.
public enum HDF5Path {
  /// The file extensions that mark an HDF5 array source.
  public static let fileExtensions: Set<String> = ["h5", "hdf5"]

  /// Splits `file.h5:/group/dataset` right after the file's own extension: at the first
  /// `.h5:` or `.hdf5:` (case-insensitive) that has something after it, so a dataset path may
  /// hold `:/` and `.h5:/` (`a.h5:/g:/d` is dataset `/g:/d`) and a file name may hold colons
  /// before its extension (`dir:x/a.h5:/d`); nil when `source` has neither. A path without its
  /// leading slash is taken from the root, as h5py takes `f["lstm/Wx"]`: `w.h5:lstm/Wx` is
  /// dataset `/lstm/Wx`.
  public static func split(_ source: String) -> (file: String, dataset: String)? {
    let found = fileExtensions.compactMap { ext in
      source.range(of: ".\(ext):", options: .caseInsensitive)
    }.filter { $0.upperBound < source.endIndex }
    guard let separator = found.min(by: { $0.lowerBound < $1.lowerBound }) else { return nil }
    let colon = source.index(before: separator.upperBound)
    let rest = String(source[separator.upperBound...])
    // h5py reads `f["lstm/Wx"]` from the root as `f["/lstm/Wx"]`: so does `w.h5:lstm/Wx`.
    return (String(source[..<colon]), rest.hasPrefix("/") ? rest : "/" + rest)
  }

  /// `path` with a leading slash and no trailing or doubled ones: `a//b/` → `/a/b`.
  public static func absolute(_ path: String) -> String {
    "/" + components(path).joined(separator: "/")
  }

  /// The group names along `path`: `/a/b/c` → `["a", "b", "c"]`; the root is `[]`.
  static func components(_ path: String) -> [String] {
    path.split(separator: "/").map(String.init)
  }

  /// The dataset path for a name of pipeline.md §3: a dot becomes a slash (`embed.dW` →
  /// `/embed/dW`, `out` → `/out`).
  public static func datasetPath(forName name: String) -> String {
    absolute(name.replacingOccurrences(of: ".", with: "/"))
  }
}
