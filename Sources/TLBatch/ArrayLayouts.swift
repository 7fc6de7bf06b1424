import TLPipeline
import TLReportHTML

/// How the `--html` page lays out each result of a pipeline (``ArrayLayout``), from the layers
/// the pipeline names: a TimeLSTM's or LSTM's `Wx`, `Wh`, `b` and their gradients in the gate
/// blocks [f, g, i, o], a TimeGRU's or GRU's in [z, r, h̃] (the book's layout only: a `layout`
/// option's framework params are drawn plain), and 3-d arrays as (N, T, H) when the pipeline
/// has a time layer. The book's models (`"model"`) name their LSTM layers `lstm`, `lstm1`,
/// `encoder.lstm`…, which is how their params are recognised.
public struct ArrayLayouts: Sendable {
  /// Layer name → gate layout, for the layers with gates.
  var gates: [String: ArrayLayout] = [:]
  var hasTimeLayers = false
  var modelLSTMs = false

  public init(_ spec: PipelineSpec) {
    for layer in spec.layers { note(layer.name, layer.kind.typeName, layer.options["layout"] != nil) }
    switch spec.graph?.body {
    case .graph(let nodes, _)?:
      for node in nodes {
        if case .layer(let kind) = node.operation { note(node.name, kind.typeName, node.options["layout"] != nil) }
      }
    case .model?:
      hasTimeLayers = true
      modelLSTMs = true
    case nil: break
    }
  }

  private mutating func note(_ name: String, _ typeName: String, _ frameworkLayout: Bool) {
    if typeName.hasPrefix("Time") { hasTimeLayers = true }
    guard !frameworkLayout else { return }
    switch typeName {
    case "TimeLSTM", "LSTM": gates[name] = .lstmGates
    case "TimeGRU", "GRU": gates[name] = .gruGates
    default: break
    }
  }

  /// The layout of the result or reference array `name` of rank `rank`.
  public func layout(of name: String, rank: Int) -> ArrayLayout {
    if let dot = name.lastIndex(of: ".") {
      let layer = String(name[..<dot])
      let param = name[name.index(after: dot)...]
      if ["Wx", "Wh", "b", "dWx", "dWh", "db"].contains(param) {
        if let layout = gates[layer] { return layout }
        let last = layer.split(separator: ".").last ?? ""
        if modelLSTMs, last.hasPrefix("lstm") { return .lstmGates }
      }
    }
    return rank == 3 && hasTimeLayers ? .timeSeries : .plain
  }
}
