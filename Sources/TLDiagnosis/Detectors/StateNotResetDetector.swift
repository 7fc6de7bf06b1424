import TLArray
import TLLayers

/// `state-not-reset`: `set_state`/`reset_state` not honoured by a TimeRNN, TimeLSTM or
/// TimeGRU. Reruns the layer starting from the state a previous forward of the same input left
/// (every state kept), and for TimeLSTM from the given `h` with `c` kept from that forward (the
/// book's decoders set only `h`, and `c` must restart at zeros).
enum StateNotResetDetector: MistakeDetector {
  static func detect(in context: LayerContext) -> [Finding] {
    guard ["TimeRNN", "TimeLSTM", "TimeGRU"].contains(context.typeName),
      let first = context.rerun(), let finalH = first["h"]
    else { return [] }
    var variants: [(String, LayerConfig)] = []
    var kept = context.layer.config
    kept.state["h"] = finalH
    if let finalC = first["c"] { kept.state["c"] = finalC }
    variants.append(("starting from the state a previous forward left (h\(first["c"] == nil ? "" : " and c") kept)", kept))
    if let finalC = first["c"] {
      var onlyC = context.layer.config
      onlyC.state["c"] = finalC
      variants.append(("with h set as given but c kept from a previous forward", onlyC))
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
