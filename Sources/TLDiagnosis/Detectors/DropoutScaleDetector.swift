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
    let judged = context.failing.filter { context.ours[$0]?.dtype.isFloatingPoint ?? false }
    guard !judged.isEmpty else { return [] }
    // The factor fitted per array, so a float32 mask's rounding of 1/(1 − ratio) still fits.
    var factors: [Double] = []
    for key in judged {
      guard let (factor, _) = ScaledDetector.factor(context, key) else { return [] }
      factors.append(factor)
    }
    let reasons = [
      (keep, "1 − ratio: the mask not scaled by 1/(1 − ratio)"),
      (1 / keep, "1/(1 − ratio): scaled where the book does not"),
    ]
    for (factor, why) in reasons where factors.allSatisfy({ abs($0 / factor - 1) <= 1e-5 }) {
      let names = judged.map(context.name).joined(separator: ", ")
      return [
        Finding(
          kind: .dropoutScale, keys: judged,
          detail: "the port's \(names) are tl-run's × \(ScaledDetector.describe(factor)) (= \(why)), ratio \(ratio)")
      ]
    }
    return []
  }
}
