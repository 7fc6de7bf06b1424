import TLArray

/// How close an actual element must be to its expected one: `|actual − expected| ≤ atol + rtol·|expected|`.
///
/// The defaults are derived from the computation behind each array (``Precision``) and the
/// array's scale (``Tolerance/derived(precision:scale:)``); the fixed per-dtype values of
/// `torch.testing.assert_close` below are kept for references with no scale (all zeros).
public struct Tolerance: Sendable, Hashable {
  /// Relative tolerance, scaled by `|expected|`.
  public var rtol: Double
  /// Absolute tolerance, which alone decides near zero.
  public var atol: Double
  /// Whether NaN in both arrays at the same place counts as equal (`numpy.isclose`'s `equal_nan`).
  public var equalNaN: Bool
  /// Whether differing dtypes fail the comparison (`torch.testing.assert_close`'s
  /// `check_dtype`). The values are compared either way.
  public var checkDType: Bool
  /// How the tolerance was set, for reports: `float32 arithmetic, ~700-term sums, scale 0.35`,
  /// `--rtol`, `tolerance.arrays.embed.dW`. Not part of equality.
  public var basis: String?

  public init(rtol: Double, atol: Double, equalNaN: Bool = true, checkDType: Bool = true, basis: String? = nil) {
    self.rtol = rtol
    self.atol = atol
    self.equalNaN = equalNaN
    self.checkDType = checkDType
    self.basis = basis
  }

  public static func == (lhs: Tolerance, rhs: Tolerance) -> Bool {
    lhs.rtol == rhs.rtol && lhs.atol == rhs.atol && lhs.equalNaN == rhs.equalNaN && lhs.checkDType == rhs.checkDType
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(rtol)
    hasher.combine(atol)
    hasher.combine(equalNaN)
    hasher.combine(checkDType)
  }

  /// Bit-for-bit equality (NaN still equal to NaN, −0.0 equal to 0.0).
  public static let exact = Tolerance(rtol: 0, atol: 0)

  /// float16: rtol 1e-3, atol 1e-5 (`torch.testing.assert_close`).
  public static let float16 = Tolerance(rtol: 1e-3, atol: 1e-5)

  /// float32: rtol 1.3e-6, atol 1e-5 (`torch.testing.assert_close`).
  public static let float32 = Tolerance(rtol: 1.3e-6, atol: 1e-5)

  /// float64: rtol 1e-7, atol 1e-7 (`torch.testing.assert_close`).
  public static let float64 = Tolerance(rtol: 1e-7, atol: 1e-7)

  /// `torch.testing.assert_close`'s fixed tolerance for a reference of `dtype`; integers and
  /// bool exact (ids, labels and masks must match: any difference is a bug, not rounding).
  public static func `default`(for dtype: DType) -> Tolerance {
    switch dtype {
    case .float16: .float16
    case .float32: .float32
    case .float64: .float64
    default: .exact
    }
  }
}
