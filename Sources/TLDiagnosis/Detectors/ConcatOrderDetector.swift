import TLArray

/// `concat-order`: the parts of a concatenation in the other order. In a version-1 chain the
/// book concatenates in TimeBiLSTM (`np.concatenate((o1, o2), axis=2)`): tests the port's
/// `out` with its halves swapped, alone (forward only) and with the backward splitting the
/// upstream gradient the same swapped way.
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
}
