import Foundation

/// Array sources of the form `file.h5:/group/dataset` and the paths inside a file.
public enum HDF5Path {
  /// The file extensions that mark an HDF5 array source.
  public static let fileExtensions: Set<String> = ["h5", "hdf5"]

  /// Splits `file.h5:/group/dataset` at the **last** `:/` (file names may contain colons), for
  /// files ending in `.h5` or `.hdf5`; nil when `source` is not of that form.
  public static func split(_ source: String) -> (file: String, dataset: String)? {
    guard let separator = source.ranges(of: ":/").last else { return nil }
    let file = String(source[..<separator.lowerBound])
    let dataset = String(source[source.index(after: separator.lowerBound)...])
    guard let dot = file.lastIndex(of: "."),
      fileExtensions.contains(file[file.index(after: dot)...].lowercased())
    else { return nil }
    return (file, dataset)
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
