import TLArray

/// `missing-ignore-mask`: TimeSoftmaxWithLoss with labels `-1` counted in the loss or the
/// gradient. Tests three ports: no mask at all (a `-1` label reads the last class, as NumPy's
/// index does, divided by N·T), no mask but divided by the valid count, and the mask applied
/// but divided by N·T (the wrong count).
enum MissingIgnoreMaskDetector: MistakeDetector {
  static func detect(in context: LayerContext) -> [Finding] {
    guard context.typeName == "TimeSoftmaxWithLoss", let ts = context.layer.config.inputs["ts"], ts.rank == 2,
      context.input.rank == 3
    else { return [] }
    let labels = DoubleArray.values(ts)
    let ignored = labels.count { $0 == -1 }
    guard ignored > 0 else { return [] }
    let classes = context.input.shape[2]
    let total = Double(labels.count)
    let valid = total - Double(ignored)
    var config = context.layer.config
    config.inputs["ts"] = DoubleArray.make(
      labels.map { $0 == -1 ? Double(classes - 1) : $0 }, shape: ts.shape, dtype: ts.dtype)
    var candidates: [(String, [String: NDArray])] = []
    if let unmasked = context.rerun(config: config) {
      candidates.append(
        ("without the mask (label -1 read as the last class), divided by N·T = \(Int(total))", unmasked))
      candidates.append(
        ("without the mask, divided by the \(Int(valid)) valid labels", scaled(unmasked, total / valid)))
    }
    candidates.append(
      ("with the mask but divided by N·T = \(Int(total)) instead of \(Int(valid))", scaled(context.ours, valid / total))
    )
    for (how, variant) in candidates {
      guard let (keys, diff) = context.explains(variant) else { continue }
      return [
        Finding(
          kind: .missingIgnoreMask, keys: keys,
          detail:
            "\(ignored) labels are -1: the port's \(context.name(keys[0])) is the loss \(how), to \(shortNumber(diff))")
      ]
    }
    return []
  }

  private static func scaled(_ arrays: [String: NDArray], _ factor: Double) -> [String: NDArray] {
    arrays.mapValues { array in
      DoubleArray.make(DoubleArray.values(array).map { $0 * factor }, shape: array.shape, dtype: array.dtype)
    }
  }
}
