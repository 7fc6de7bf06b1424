import TLArray
import TLCompare

/// `concat-order`: the parts of a concatenation in the other order. In a version-1 chain the
/// book concatenates in TimeBiLSTM (`np.concatenate((o1, o2), axis=2)`): tests the port's
/// `out` with its halves swapped, alone (forward only) and with the backward splitting the
/// upstream gradient the same swapped way. In a version-2 graph, a `concat` node (PeekySeq2seq's
/// `np.concatenate((hs, out), axis=2)`, the attention decoder's `(c, dec_hs)`): its parts
/// joined in every other order, tested against the port's value.
enum ConcatOrderDetector: MistakeDetector {
  static func detect(in context: LayerContext) -> [Finding] {
    guard context.typeName == "TimeBiLSTM", let out = context.ours["out"], out.rank == 3, out.shape[2] % 2 == 0
    else { return [] }
    var forwardOnly = context.ours
    forwardOnly["out"] = swappingHalves(out)
    var candidates = [("o2 before o1 in the forward", forwardOnly)]
    if var both = context.rerun(upstream: swappingHalves(context.upstream)), let swapped = both["out"] {
      both["out"] = swappingHalves(swapped)
      candidates.append(("o2 before o1, in the forward and in the backward's split of dhs", both))
    }
    for (how, variant) in candidates {
      guard let (keys, diff) = context.explains(variant) else { continue }
      return [
        Finding(
          kind: .concatOrder, keys: keys,
          detail:
            "with the concatenation in the other order (\(how)) the port's \(context.name(keys[0])) matches to \(shortNumber(diff))"
        )
      ]
    }
    return []
  }

  /// The last axis's two halves exchanged.
  static func swappingHalves(_ array: NDArray) -> NDArray {
    DoubleArray.permutingBlocks(array, blocks: 2, order: [1, 0])
  }

  /// The `concat` node `node` of a version-2 graph whose value fails: the first other order of
  /// its parts (N, T, Hᵢ) whose concatenation explains the port's value (``Evidence``), as a diagnosis; nil when none does. Up to four parts (23 other orders).
  static func detect(
    node: String, parts: [(reference: String, array: NDArray)], port: JudgedArray, tolerance: Tolerance
  ) -> Diagnosis? {
    // Parts that do not share N and T were never one concatenation (the port's values are
    // another shape than tl-run's): no order explains anything.
    guard (2...4).contains(parts.count), parts.allSatisfy({ $0.array.rank == 3 }),
      parts.allSatisfy({ $0.array.shape.prefix(2) == parts[0].array.shape.prefix(2) })
    else { return nil }
    let expected = DoubleArray.values(port.array)
    let identity = Array(parts.indices)
    for order in GateOrderDetector.permutations(of: identity) where order != identity {
      let candidate = joined(order.map { parts[$0].array })
      guard candidate.shape == port.array.shape else { continue }
      let fit = Evidence.judge(
        candidate: DoubleArray.values(candidate), ours: DoubleArray.values(joined(parts.map(\.array))),
        port: expected, tolerance: tolerance)
      guard fit.explains else { continue }
      let listed = parts.map(\.reference).joined(separator: ", ")
      let found = order.map { parts[$0].reference }.joined(separator: ", ")
      return Diagnosis(
        array: port.name, arrays: [port.name], layer: node, kind: .concatOrder,
        detail:
          "with the parts in the order [\(found)] instead of the graph's [\(listed)] the port's \(port.name) matches to \(shortNumber(fit.maxDiff))"
      )
    }
    return nil
  }

  /// `np.concatenate(parts, axis=2)` in Double, in the first part's dtype; the parts (N, T, Hᵢ)
  /// share N and T.
  static func joined(_ parts: [NDArray]) -> NDArray {
    let (n, t) = (parts[0].shape[0], parts[0].shape[1])
    let values = parts.map(DoubleArray.values)
    let widths = parts.map { $0.shape[2] }
    var result: [Double] = []
    result.reserveCapacity(values.reduce(0) { $0 + $1.count })
    for row in 0..<(n * t) {
      for (part, width) in zip(values, widths) where part.count >= (row + 1) * width {
        result += part[(row * width)..<((row + 1) * width)]
      }
    }
    return DoubleArray.make(result, shape: [n, t, widths.reduce(0, +)], dtype: parts[0].dtype)
  }
}
