import TLSystem

/// A file that cannot be read as an array: names the file, the archive member if any, and the
/// fault in one line, e.g. `w.npz:W: CRC mismatch`.
public struct FormatError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The path as the caller gave it.
  public var file: String
  /// The `.npz` member (key without `.npy`), when the fault is inside one.
  public var member: String?
  /// What is wrong, one line, no file name.
  public var message: String

  public init(file: String, member: String? = nil, message: String) {
    self.file = file
    self.member = member
    self.message = message
  }

  public var description: String {
    if let member { return "\(file):\(member): \(message)" }
    return "\(file): \(message)"
  }
}

/// Where bytes being decoded came from, so that every error can name it.
struct Source: Sendable {
  var file: String
  var member: String?

  func error(_ message: String) -> FormatError {
    FormatError(file: file, member: member, message: message)
  }

  /// Runs a write through ``TLSystem/AtomicFile``, its ``TLSystem/FileError``s becoming
  /// ``FormatError``s about this file.
  func writing<R>(_ body: () throws -> R) throws -> R {
    do { return try body() } catch let error as FileError { throw self.error(error.message) }
  }
}
