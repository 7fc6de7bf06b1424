/// A fault finding or writing arrays that no format reader owns: a missing directory, a
/// target that would overwrite an input, an unknown file type.
public struct ArrayIOError: Error, Sendable, CustomStringConvertible {
  public var path: String
  public var message: String
  public init(path: String, _ message: String) {
    self.path = path
    self.message = message
  }
  public var description: String { "\(path): \(message)" }
}
