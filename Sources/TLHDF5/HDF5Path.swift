/// Paths inside an HDF5 file: `/group/dataset`. (Array sources, `file.h5:/group/dataset`, and
/// the result names that map to dataset paths are TLIO's.)
public enum HDF5Path {
  /// `path` with a leading slash and no trailing or doubled ones: `a//b/` → `/a/b`.
  public static func absolute(_ path: String) -> String {
    "/" + components(path).joined(separator: "/")
  }

  /// The group names along `path`: `/a/b/c` → `["a", "b", "c"]`; the root is `[]`.
  static func components(_ path: String) -> [String] {
    path.split(separator: "/").map(String.init)
  }
}
