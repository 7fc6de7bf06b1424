/// The mapping between result names (`embed.dW`, docs/pipeline.md §3) and HDF5 dataset paths
/// (`/embed/dW`): a dot in a name is a group. Both directions live here, so TLHDF5 only ever
/// sees dataset paths.
public enum ArrayNames {
  /// `/embed/dW` → `embed.dW`.
  public static func fromHDF5(_ dataset: String) -> String {
    dataset.split(separator: "/").joined(separator: ".")
  }

  /// `embed.dW` → `/embed/dW`, `out` → `/out`. A slash is a group too, and empty parts are
  /// dropped (``ArrayIO`` refuses names with empty parts before writing).
  public static func toHDF5(_ name: String) -> String {
    "/" + name.split(whereSeparator: { $0 == "." || $0 == "/" }).joined(separator: "/")
  }
}
