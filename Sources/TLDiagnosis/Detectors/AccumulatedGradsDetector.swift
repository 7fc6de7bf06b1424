/// `accumulated-grads`: gradients added to those of an earlier backward instead of replacing
/// them. Seen as every param gradient of the layer failing, each the same whole number k ≥ 2
/// times tl-run's, while the forward results and `dx` are right: the grads of k backward
/// passes added up. Only for layers with two or more params: one gradient scaled alone (or the
/// only gradient of an embedding) is `scaled`, whose factor 2 says "added twice" as well.
enum AccumulatedGradsDetector: MistakeDetector {
  static func detect(in context: LayerContext) -> [Finding] {
    let grads = context.layer.kind.paramNames.map { "d\($0)" }.filter { context.port[$0] != nil }
    guard grads.count >= 2, grads.allSatisfy(context.failing.contains),
      context.failing.allSatisfy(grads.contains)
    else { return [] }
    var factors: [Double] = []
    for key in grads {
      guard let (factor, _) = ScaledDetector.factor(context, key) else { return [] }
      factors.append(factor)
    }
    guard let first = factors.first, first >= 1.5, abs(first - first.rounded()) <= 1e-6 * first,
      factors.allSatisfy({ abs($0 - first) <= 1e-6 * first }), let k = DoubleArray.wholeNumber(first.rounded())
    else { return [] }
    let names = grads.map(context.name).joined(separator: ", ")
    return [
      Finding(
        kind: .accumulatedGrads, keys: grads,
        detail:
          "every gradient of \(context.layer.name) (\(names)) is \(k) × tl-run's while its forward and dx are right: the grads of \(k) backward passes added up"
      )
    ]
  }
}
