import Foundation
import TLArray

/// The arithmetic behind an array's values, from which its default tolerance is derived.
///
/// Two correct implementations of one float computation differ by their rounding errors: each
/// rounding moves a value by at most the unit roundoff ε of the arithmetic's dtype, and an
/// element that is a sum of K rounded terms (a matrix product's inner dimension, a gradient
/// summed over N·T rows, a state carried through T steps) typically carries about ε·√K of the
/// sum's scale (Higham, *Accuracy and Stability of Numerical Algorithms*, §4.2, the
/// probabilistic bound). The arithmetic dtype is not always the stored one: NumPy's
/// TimeSoftmaxWithLoss returns a float64 loss computed from a float32 sum.
public struct Precision: Sendable, Hashable, CustomStringConvertible {
  /// The float dtype the arithmetic ran in: float16, float32 or float64.
  public var dtype: DType
  /// K: the number of rounded terms behind one element (at least 1).
  public var terms: Int

  public init(dtype: DType, terms: Int) {
    self.dtype = dtype.isFloatingPoint ? dtype : .float64
    self.terms = max(terms, 1)
  }

  /// The safety factor c of ``Tolerance/derived(precision:scale:)``.
  public static let safetyFactor = 4.0

  /// K assumed where the computation is unknown (`tl-run compare`): sums of 10,000 terms.
  public static let nominalTerms = 10_000

  /// The precision assumed for an array of `dtype` whose computation is unknown.
  public static func nominal(_ dtype: DType) -> Precision {
    Precision(dtype: dtype, terms: nominalTerms)
  }

  /// ε, NumPy's `finfo(dtype).eps`: 2⁻¹⁰, 2⁻²³, 2⁻⁵².
  public var epsilon: Double {
    switch dtype {
    case .float16: 0x1p-10
    case .float32: 0x1p-23
    default: 0x1p-52
    }
  }

  /// The relative error allowed: c·ε·√K.
  public var relativeError: Double { Self.safetyFactor * epsilon * Double(terms).squareRoot() }

  /// The less precise of two (the larger ε; the longer sums on a tie).
  public static func coarser(_ a: Precision, _ b: Precision) -> Precision {
    if a.epsilon != b.epsilon { return a.epsilon > b.epsilon ? a : b }
    return a.terms >= b.terms ? a : b
  }

  public var description: String { "\(dtype) arithmetic, sums of ~\(terms) terms" }
}

extension Tolerance {
  /// The default tolerance of a float array computed with `precision` whose reference has
  /// largest finite magnitude `scale`: `rtol = c·ε·√K` and `atol = rtol·scale`.
  ///
  /// The absolute part follows the array's scale, not a fixed 1e-5, so a gradient of magnitude
  /// 1e-4 is held to the same relative standard as one of magnitude 1: an error of 1 % in an
  /// element worth a tenth of the array's largest is caught whenever `c·ε·√K` is below ~1e-3
  /// (float32 up to K ≈ 10⁶, float64 always). A reference of zeros only (scale 0) keeps
  /// ``default(for:)``'s absolute tolerance of the arithmetic's dtype.
  public static func derived(precision: Precision, scale: Double) -> Tolerance {
    let r = precision.relativeError
    let atol = scale > 0 ? r * scale : Tolerance.default(for: precision.dtype).atol
    return Tolerance(
      rtol: r, atol: atol,
      basis: "default: \(precision), scale \(ValueFormat.shortest(scale))")
  }
}

/// The largest finite `|x|` of a float array (0 when it has none); nil for integers and bool.
func finiteScale(_ array: NDArray) -> Double? {
  array.dtype.acceptByKind(FiniteScale(array: array))
}

/// ``finiteScale(_:)`` for each kind of dtype.
private struct FiniteScale: DTypeKindVisitor {
  let array: NDArray

  func visitFloat<F: NDElement & BinaryFloatingPoint>(_: F.Type) -> Double? {
    array.withUnsafeBufferPointer(of: F.self) { Double(largestFinite($0)) }
  }

  func visitInteger<I: NDElement & FixedWidthInteger>(_: I.Type) -> Double? { nil }
  func visitBool() -> Double? { nil }
}

private func largestFinite<F: BinaryFloatingPoint>(_ values: UnsafeBufferPointer<F>) -> F {
  var largest: F = 0
  for value in values {
    let m = value.magnitude
    if m > largest && m.isFinite { largest = m }  // NaN compares false
  }
  return largest
}
