/// A fault in a pipeline file, a case, or the arrays it names: one line, exit status 2.
public struct PipelineError: Error, Sendable, CustomStringConvertible {
  /// The file the fault is in (the pipeline file, or an array file).
  public var file: String
  /// Where in the file: a JSON path such as `layers[2].params.W`, or empty.
  public var path: String
  public var message: String

  public init(file: String, path: String = "", _ message: String) {
    self.file = file
    self.path = path
    self.message = message
  }

  public var description: String {
    path.isEmpty ? "\(file): \(message)" : "\(file): \(path): \(message)"
  }
}
