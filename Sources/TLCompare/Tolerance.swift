import TLArray

/// How close an actual element must be to its expected one: `|actual − expected| ≤ atol + rtol·|expected|`.
///
/// The defaults per dtype of the reference are those of `torch.testing.assert_close`, because
/// they were chosen for the same job: checking a reimplementation of float layers against a
/// reference that ran the same math in a different order.
public struct Tolerance: Sendable, Hashable {
  /// Relative tolerance, scaled by `|expected|`.
  public var rtol: Double
  /// Absolute tolerance, which alone decides near zero.
  public var atol: Double
  /// Whether NaN in both arrays at the same place counts as equal (`numpy.isclose`'s `equal_nan`).
  public var equalNaN: Bool

  public init(rtol: Double, atol: Double, equalNaN: Bool = true) {
    self.rtol = rtol
    self.atol = atol
    self.equalNaN = equalNaN
  }

  /// Bit-for-bit equality (NaN still equal to NaN, −0.0 equal to 0.0).
  public static let exact = Tolerance(rtol: 0, atol: 0)

  /// float16: rtol 1e-3, atol 1e-5. Half has an 11-bit significand (ε ≈ 9.8e-4), so one
  /// rounding of a result already moves it by ~1e-3 relative; atol stays small so values near
  /// zero are still checked.
  public static let float16 = Tolerance(rtol: 1e-3, atol: 1e-5)

  /// float32: rtol 1.3e-6, atol 1e-5. ε of float32 is 1.19e-7; about ten roundings of slack
  /// covers a different summation order in a matrix product, and atol 1e-5 absorbs the
  /// cancellation in gradients that sum to nearly zero.
  public static let float32 = Tolerance(rtol: 1.3e-6, atol: 1e-5)

  /// float64: rtol 1e-7, atol 1e-7. Far looser than float64's ε (2.2e-16) because a reference
  /// computed with a different BLAS or order still agrees to ~1e-12, and a real bug shows at
  /// 1e-3; anything in between is noise worth tolerating.
  public static let float64 = Tolerance(rtol: 1e-7, atol: 1e-7)

  /// The default for a reference of `dtype`. Integers and bool are ids, labels and masks, which
  /// must match exactly: any difference is a bug, not rounding.
  public static func `default`(for dtype: DType) -> Tolerance {
    switch dtype {
    case .float16: .float16
    case .float32: .float32
    case .float64: .float64
    default: .exact
    }
  }
}
