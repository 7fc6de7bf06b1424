/// A file operation of this module that failed: the path, and what went wrong in one line
/// without the path (`write failed: No space left on device`), so each format can name the
/// file its own way (``TLFormats``' `FormatError`, ``TLHDF5``'s `HDF5Error`).
public struct FileError: Error, CustomStringConvertible, Sendable, Equatable {
  /// The path as the caller gave it.
  public var path: String
  /// What went wrong, one line, no path.
  public var message: String
  /// For a target that was refused because it is not a regular file: what it is. The
  /// caller may say what it expected instead (`is a FIFO (named pipe), not an HDF5 file`).
  public var refusedKind: FileKind?

  public init(path: String, message: String, refusedKind: FileKind? = nil) {
    self.path = path
    self.message = message
    self.refusedKind = refusedKind
  }

  public var description: String { "\(path): \(message)" }
}
