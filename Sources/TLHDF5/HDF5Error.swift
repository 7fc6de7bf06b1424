/// A failure reading or writing an HDF5 file: which file, which dataset, and why, on one line.
///
/// Causes that come from libhdf5 carry the library's own message from its error stack
/// (`file signature not found`, `truncated file: eof = …`).
public struct HDF5Error: Error, CustomStringConvertible, Sendable, Equatable {
  /// The file as given by the caller.
  public let file: String
  /// The dataset (or group) path inside the file, when the failure concerns one.
  public let dataset: String?
  /// What went wrong, one line.
  public let cause: String

  public init(file: String, dataset: String? = nil, cause: String) {
    self.file = file
    self.dataset = dataset
    // One line, whatever the library's message held.
    self.cause = cause.split(whereSeparator: \.isNewline).joined(separator: " ")
  }

  /// `HDF5 file.h5:/group/x: cause`, in the `file.h5:/path` form that array sources use.
  public var description: String {
    let location = dataset.map { "\(file):\(HDF5Path.absolute($0))" } ?? file
    return "HDF5 \(location): \(cause)"
  }
}
