import TLArray

/// The outcome of comparing one output array with its reference.
public struct ArrayComparison: Sendable, Equatable {
  /// What was found; every status but ``pass`` and ``unchecked`` fails the comparison.
  public enum Status: String, Sendable, Codable, CaseIterable {
    /// Same shape and dtype, every element within tolerance.
    case pass
    /// Same shape and dtype, at least one element out of tolerance.
    case mismatch
    /// The shapes differ; no element was compared.
    case shapeMismatch = "shape_mismatch"
    /// The shapes agree but the dtypes differ (and dtypes are checked); the values were still
    /// compared, in the promoted dtype, and ``ArrayComparison/valuesStatus`` says how they fared.
    case dtypeMismatch = "dtype_mismatch"
    /// The reference has the array, the output does not.
    case missing
    /// The output has the array, the reference does not: listed, not failed.
    case unchecked

    /// Whether this status makes the comparison fail.
    public var isFailure: Bool { self != .pass && self != .unchecked }
  }

  /// One element out of tolerance, at its multi-index (`[]` for a 0-d array).
  public struct ElementMismatch: Sendable, Equatable {
    public var index: [Int]
    public var actual: CastValue
    public var expected: CastValue

    public init(index: [Int], actual: CastValue, expected: CastValue) {
      self.index = index
      self.actual = actual
      self.expected = expected
    }
  }

  /// The largest difference of one kind and where it is (nil index: no element differs).
  public struct Extreme: Sendable, Equatable {
    public var value: Double
    public var index: [Int]?

    public init(value: Double, index: [Int]?) {
      self.value = value
      self.index = index
    }
  }

  public var name: String
  public var status: Status
  /// The output's dtype and shape (nil when ``Status/missing``).
  public var dtype: DType?
  public var shape: [Int]?
  /// The reference's dtype and shape (nil when ``Status/unchecked``).
  public var expectedDType: DType?
  public var expectedShape: [Int]?
  /// The tolerance resolved for this array (nil when ``Status/unchecked``).
  public var tolerance: Tolerance?
  /// For a missing array: the output without a reference whose name is nearest, when one is
  /// close enough to be a misspelling (`lstm.dwx` → `lstm.dWx`).
  public var suggestion: String?
  /// The verdict on the values alone (``Status/pass`` or ``Status/mismatch``); nil when no
  /// element was compared (shape mismatch, missing, unchecked).
  public var valuesStatus: Status?
  /// Elements out of tolerance, of ``total`` compared (both 0 when values were not compared).
  public var mismatched: Int = 0
  public var total: Int = 0
  /// The first few mismatches in C order (at most ``firstMismatchLimit``).
  public var firstMismatches: [ElementMismatch] = []
  /// Largest `|actual − expected|` among the mismatches; over all elements when none mismatch.
  public var maxAbsDiff: Extreme?
  /// Largest `|actual − expected| / |expected|` among the mismatches (inf where expected is 0).
  public var maxRelDiff: Extreme?

  /// How many mismatching elements a comparison lists, as NumPy's `assert_allclose` does.
  public static let firstMismatchLimit = 5

  /// The share of compared elements out of tolerance, in percent (0 when nothing was compared).
  public var percent: Double { total == 0 ? 0 : 100 * Double(mismatched) / Double(total) }

  /// The dtype column of a report: `float32`, or `float32 vs float64` (actual, expected) when
  /// they differ.
  public var dtypeColumn: String? {
    guard let dtype, let expectedDType, dtype != expectedDType else {
      return displayDType?.rawValue
    }
    return "\(dtype) vs \(expectedDType)"
  }

  /// The dtype that decides how values are printed: the reference's, else the output's.
  public var displayDType: DType? { expectedDType ?? dtype }
}
