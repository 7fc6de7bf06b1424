/// An error of a graph (pipeline.md §6.1): where it is, as a JSON path relative to the graph
/// (`graph[3].set_state.h`), and what is wrong. The pipeline prefixes the file.
public struct GraphError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The JSON path of the offending key, `graph[3].in`; empty for the graph as a whole.
  public var path: String
  public var message: String

  public init(_ path: String, _ message: String) {
    (self.path, self.message) = (path, message)
  }

  public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}
