/// Every layer type a pipeline may name, by the book's class name.
public enum LayerRegistry {
  /// All kinds, in the order of docs/layers.md: plain layers, then time layers. A new layer type is
  /// one entry in its family's list; its kind is defined beside the layer (`TimeAffine.swift`
  /// defines `.timeAffine`).
  public static let kinds: [LayerKind] = coreLayerKinds + recurrentLayerKinds + attentionLayerKinds

  /// The kind for a pipeline's `type` string, or nil when there is no such layer.
  public static func kind(named typeName: String) -> LayerKind? {
    kinds.first { $0.typeName == typeName }
  }

  /// The name of every option some kind declares, each once, in the order of ``kinds``.
  public static let optionNames: [String] = {
    var names: [String] = []
    for option in kinds.flatMap(\.options) where !names.contains(option.name) { names.append(option.name) }
    return names
  }()

  /// The type names of the kinds that declare an option `name`.
  public static func kinds(takingOption name: String) -> [String] {
    kinds.filter { $0.options.contains { $0.name == name } }.map(\.typeName)
  }
}
