import TLArray

/// `gate-order`: an LSTM's or GRU's gate blocks taken in another order than the book's
/// `[f, g, i, o]` / `[z, r, h]`. Reruns the layer once per other order with the param blocks
/// rearranged so the book's code computes what such a port computes, and maps the grads back
/// to the port's block order before comparing.
enum GateOrderDetector: MistakeDetector {
  static func detect(in context: LayerContext) -> [Finding] {
    guard context.typeName != "TimeBiLSTM", let letters = context.gateLetters else { return [] }
    let params = ["Wx", "Wh", "b"]
    for order in permutations(of: Array(letters.indices)) where order != Array(letters.indices) {
      // The port reads block k as gate letters[order[k]]: the book's block j must hold the
      // port's block for letters[j].
      let toBook = letters.indices.map { j in order.firstIndex(of: j) ?? j }
      var config = context.layer.config
      for name in params {
        guard let array = config.params[name] else { return [] }
        config.params[name] = DoubleArray.permutingBlocks(array, blocks: letters.count, order: toBook)
      }
      guard var variant = context.rerun(config: config) else { continue }
      let toPort = order  // port block k = book block order[k]
      for name in params {
        guard let grad = variant["d\(name)"] else { continue }
        variant["d\(name)"] = DoubleArray.permutingBlocks(grad, blocks: letters.count, order: toPort)
      }
      guard let (keys, diff) = context.explains(variant) else { continue }
      let found = "[" + order.map { letters[$0] }.joined(separator: ", ") + "]"
      let book = "[" + letters.joined(separator: ", ") + "]"
      return [
        Finding(
          kind: .gateOrder, keys: keys,
          detail:
            "with gates in order \(found) instead of the book's \(book) the port's \(context.name(keys[0])) matches to \(shortNumber(diff))"
        )
      ]
    }
    return []
  }

  /// Every ordering of `items` (24 for an LSTM's four gates).
  static func permutations(of items: [Int]) -> [[Int]] {
    guard items.count > 1 else { return [items] }
    return items.indices.flatMap { i in
      var rest = items
      let first = rest.remove(at: i)
      return permutations(of: rest).map { [first] + $0 }
    }
  }
}
