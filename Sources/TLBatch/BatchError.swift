/// A fault in how a batch was asked for (its directory, its shard, its reports): one line,
/// exit status 2, raised before any case runs.
public struct BatchError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String

  public init(_ message: String) { self.message = message }

  public var description: String { message }
}
