import Foundation
import TLArray

/// `scaled`: the port's array is a constant times tl-run's. The factor is the least-squares
/// one, `Σ port·ours / Σ ours²`, accepted when `factor · ours` explains the port's array
/// (``Evidence``), the array holds at least ``minimumCount`` elements (any number is a
/// multiple of another: a 0-d loss is never `scaled`) and the factor is meaningful: at least
/// ``minimumDeparture`` away from 1. The detail names it as a whole number or fraction where
/// it is one (`2`: gradients added twice; `1/8`: a mean over the wrong count).
enum ScaledDetector: MistakeDetector {
  static func detect(in context: LayerContext) -> [Finding] {
    context.failing.compactMap { key in
      guard let factor = factor(context, key) else { return nil }
      let (value, diff) = factor
      return Finding(
        kind: .scaled, keys: [key],
        detail:
          "the port's \(context.name(key)) is \(describe(value))\(meaning(value, context)) × tl-run's (to \(shortNumber(diff)) after scaling)"
      )
    }
  }

  /// The fewest elements an array needs for its factor to be evidence.
  static let minimumCount = 4
  /// How far from 1 a factor must be to be a mistake (1 %): a factor of 1.00006 is noise.
  static let minimumDeparture = 0.01

  /// The factor that makes tl-run's `key` the port's, and the difference left; nil when none does.
  static func factor(_ context: LayerContext, _ key: String) -> (Double, Double)? {
    guard let ours = context.ours[key], let port = context.port[key], ours.shape == port.shape,
      ours.dtype.isFloatingPoint, port.dtype.isFloatingPoint, ours.count >= minimumCount
    else { return nil }
    let a = DoubleArray.values(ours)
    let e = DoubleArray.values(port)
    let norm = a.reduce(0) { $0 + $1 * $1 }
    guard norm > 0, norm.isFinite else { return nil }
    let factor = zip(a, e).reduce(0) { $0 + $1.0 * $1.1 } / norm
    guard factor.isFinite, factor != 0, abs(factor - 1) >= minimumDeparture else { return nil }
    guard let diff = context.matches(key, a.map { $0 * factor }) else { return nil }
    return (factor, diff)
  }

  /// What a whole-number factor k or 1/k (k ≥ 3: a 2 is more often "added twice") stands for
  /// where k is the batch size N, the time steps T or N·T of the layer's (N, T, …) input:
  /// ` (= 1/N)`, a mean over the wrong count; empty otherwise.
  static func meaning(_ factor: Double, _ context: LayerContext) -> String {
    guard context.input.rank >= 2 else { return "" }
    let (n, t) = (context.input.shape[0], context.input.shape[1])
    let inverse = abs(factor) < 1
    let k = inverse ? (1 / factor).rounded() : factor.rounded()
    guard k >= 3, abs((inverse ? 1 / factor : factor) - k) <= 1e-6 * k else { return "" }
    let names = [(n * t, "N·T"), (n, "N"), (t, "T")].filter { Double($0.0) == k }.map(\.1)
    guard let name = names.first, context.isTimeLayer || name == "N" else { return "" }
    return " (= \(inverse ? "1/" : "")\(name))"
  }

  /// `2`, `1/8`, `-1` or `0.37`.
  static func describe(_ factor: Double) -> String {
    let rounded = factor.rounded()
    if rounded != 0, abs(factor - rounded) <= 1e-6 * abs(factor), let k = DoubleArray.wholeNumber(rounded) {
      return "\(k)"
    }
    let inverse = (1 / factor).rounded()
    if inverse != 0, abs(1 / factor - inverse) <= 1e-6 * abs(1 / factor), let k = DoubleArray.wholeNumber(inverse) {
      return "1/\(k)"
    }
    return String(format: "%.6g", factor)
  }
}
