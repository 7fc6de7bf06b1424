import TLArray

/// Bad data given to a layer: thrown, never trapped, so the pipeline can exit with status 2.
public struct LayerError: Error, Sendable, CustomStringConvertible {
  /// The layer's name in the pipeline, and its type.
  public var layer: String
  public var type: String
  /// What is wrong, in one line: `expects x of shape (N,T,4), got (2,4,3)`.
  public var message: String

  public init(layer: String, type: String, _ message: String) {
    self.layer = layer
    self.type = type
    self.message = message
  }

  public var description: String { "\(layer) \(type) \(message)" }
}
