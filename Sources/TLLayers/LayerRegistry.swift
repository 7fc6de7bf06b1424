/// Every layer type a pipeline may name, by the book's class name.
public enum LayerRegistry {
  /// All kinds, in the order of layers.md: plain layers, then time layers.
  public static let kinds: [LayerKind] = coreLayerKinds + recurrentLayerKinds

  /// The kind for a pipeline's `type` string, or nil when there is no such layer.
  public static func kind(named typeName: String) -> LayerKind? {
    kinds.first { $0.typeName == typeName }
  }
}
