import TLArray

/// `dropout-scale`: a Dropout or TimeDropout whose mask is not scaled by `1/(1 − ratio)` where
/// the book scales it (TimeDropout in training), or scaled where the book does not (Dropout's
/// training mask, its evaluation `x·(1 − ratio)`). Seen as the port's arrays being tl-run's
/// times `1 − ratio` or `1/(1 − ratio)`.
enum DropoutScaleDetector: MistakeDetector {
  static func detect(in context: LayerContext) -> [Finding] {
    guard ["Dropout", "TimeDropout"].contains(context.typeName) else { return [] }
    var ratio = 0.5
    if case .number(let given)? = context.layer.config.options["ratio"] { ratio = given }
    guard ratio > 0 else { return [] }
    let keep = 1 - ratio
    let factors = [(keep, "1 − ratio: the mask not scaled by 1/(1 − ratio)"), (1 / keep, "1/(1 − ratio): scaled where the book does not")]
    for (factor, why) in factors {
      var variant: [String: NDArray] = [:]
      for (key, array) in context.ours where array.dtype.isFloatingPoint {
        variant[key] = DoubleArray.make(DoubleArray.values(array).map { $0 * factor }, shape: array.shape, dtype: array.dtype)
      }
      let judged = context.failing.filter { variant[$0] != nil }
      guard !judged.isEmpty else { continue }
      var worst = 0.0
      var all = true
      for key in judged {
        guard let diff = context.matches(key, DoubleArray.values(variant[key] ?? NDArray(scalar: 0.0))) else {
          all = false
          break
        }
        worst = max(worst, diff)
      }
      guard all else { continue }
      return [
        Finding(
          kind: .dropoutScale, keys: judged,
          detail:
            "the port's \(context.name(judged[0])) is tl-run's × \(ScaledDetector.describe(factor)) (= \(why)), to \(shortNumber(worst))"
        )
      ]
    }
    return []
  }
}
