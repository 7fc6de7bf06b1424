import TLArray
import TLLayers

/// `state-not-reset`: `set_state`/`reset_state` not honoured by a TimeRNN, TimeLSTM or
/// TimeGRU. Reruns the layer starting from the state a previous forward of the same input left
/// (every state kept), and for TimeLSTM from the given `h` with `c` kept from that forward (the
/// book's decoders set only `h`, and `c` must restart at zeros). The previous forward is tried
/// from the given state and from zeros (a fresh layer's first batch).
enum StateNotResetDetector: MistakeDetector {
  static func detect(in context: LayerContext) -> [Finding] {
    guard ["TimeRNN", "TimeLSTM", "TimeGRU"].contains(context.typeName) else { return [] }
    var fresh = context.layer.config
    fresh.state = [:]
    var variants: [(String, LayerConfig)] = []
    for (start, config) in [("from the given state", context.layer.config), ("from zeros", fresh)] {
      guard let first = context.rerun(config: config), let finalH = first["h"] else { continue }
      var kept = context.layer.config
      kept.state["h"] = finalH
      if let finalC = first["c"] { kept.state["c"] = finalC }
      let states = first["c"] == nil ? "h" : "h and c"
      variants.append(("starting from the \(states) a previous forward (\(start)) left", kept))
      if let finalC = first["c"], context.layer.config.state["h"] != nil {
        var onlyC = context.layer.config
        onlyC.state["c"] = finalC
        variants.append(("with h set as given but c kept from a previous forward (\(start))", onlyC))
      }
    }
    for (how, config) in variants {
      guard let variant = context.rerun(config: config), let (keys, diff) = context.explains(variant) else { continue }
      return [
        Finding(
          kind: .stateNotReset, keys: keys,
          detail: "\(how), the port's \(context.name(keys[0])) matches to \(shortNumber(diff))")
      ]
    }
    return []
  }
}
