import TLArray
import TLCompare
import Testing

@testable import TLDiagnosis

/// The detectors' guards against what a port's arrays can hold: parts that were never one
/// concatenation, factors beyond any Int, infinities and NaNs (judged as TLCompare judges
/// them), and the per-step slicing that must not convert a whole array per step.
@Suite struct DetectorGuardTests {
  @Test func concatPartsOfDifferentNOrTGiveNoDiagnosis() {
    let port = JudgedArray(name: "v", array: NDArray(zeros: .float32, shape: [2, 3, 8]))
    for other in [[2, 5, 4], [1, 3, 4]] {
      let parts = [
        (reference: "a", array: NDArray(zeros: .float32, shape: [2, 3, 4])),
        (reference: "b", array: NDArray(zeros: .float32, shape: other)),
      ]
      #expect(ConcatOrderDetector.detect(node: "v", parts: parts, port: port, tolerance: .float32) == nil)
    }
  }

  @Test func factorsBeyondAnIntAreShownAsNumbers() {
    #expect(ScaledDetector.describe(1e20) == "1e+20")
    #expect(ScaledDetector.describe(1e-20) == "1e-20")
    #expect(ScaledDetector.describe(-1e300) == "-1e+300")
    #expect(ScaledDetector.describe(2) == "2")
    #expect(ScaledDetector.describe(0.125) == "1/8")
    #expect(DoubleArray.wholeNumber(3) == 3)
    #expect(DoubleArray.wholeNumber(0x1p53) == nil)
    #expect(DoubleArray.wholeNumber(2.5) == nil)
    #expect(DoubleArray.wholeNumber(.nan) == nil)
    #expect(DoubleArray.wholeNumber(-.infinity) == nil)
  }

  /// NumPy's isclose: an infinity against a finite number or the other infinity fails, equal
  /// infinities pass, NaN against NaN passes only under equal_nan.
  @Test func failingAgreesWithTheComparisonOnInfinitiesAndNaN() {
    let tolerance = Tolerance(rtol: 1e-5, atol: 1e-8)
    let actual: [Double] = [.infinity, 1, .infinity, .infinity, .nan, .nan, 1]
    let port: [Double] = [1, .infinity, -.infinity, .infinity, .nan, 1, 1 + 1e-9]
    #expect(DoubleArray.failing(actual, port, tolerance) == [true, true, true, false, false, true, false])
    var strict = tolerance
    strict.equalNaN = false
    #expect(DoubleArray.failing([.nan], [.nan], strict) == [true])
  }

  @Test func anInfiniteDifferenceIsInfinitelyManyTolerances() {
    let tolerance = Tolerance.float32
    #expect(Evidence.distance([.infinity, 1], [1, 1], tolerance).tolerances == .infinity)
    #expect(Evidence.distance([1], [-.infinity], tolerance).tolerances == .infinity)
    #expect(Evidence.distance([1e308], [-1e308], tolerance).tolerances == .infinity)
    #expect(Evidence.distance([.infinity, 1], [.infinity, 1], tolerance).tolerances == 0)
  }

  /// The steps cut from one conversion are `timeSlice`'s, dtype included.
  @Test func timeStepsAreTheTimeSlices() {
    let array = NDArray(shape: [2, 3, 2], scalars: (0..<12).map { Float($0) * 0.5 })
    let steps = TimeSteps(array)
    for t in 0..<3 {
      let step = steps(t)
      let slice = DoubleArray.timeSlice(array, t..<t + 1)
      #expect(step.shape == [2, 1, 2] && step.dtype == .float32)
      #expect(step.scalars(as: Float.self) == slice.scalars(as: Float.self))
    }
  }
}
