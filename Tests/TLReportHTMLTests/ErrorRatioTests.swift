import TLArray
import TLCompare
import Testing

@testable import TLReportHTML

/// The quantity every picture shows agrees with the comparison's verdict.
@Suite struct ErrorRatioTests {
  let tolerance = Tolerance(rtol: 1e-5, atol: 1e-8)

  @Test func specialValues() {
    #expect(ErrorRatio.of(actual: 1, expected: 1, tolerance) == 0)
    #expect(ErrorRatio.of(actual: .nan, expected: .nan, tolerance) == 0)
    #expect(ErrorRatio.of(actual: .nan, expected: .nan, Tolerance(rtol: 1e-5, atol: 0, equalNaN: false)) == .infinity)
    #expect(ErrorRatio.of(actual: .nan, expected: 1, tolerance) == .infinity)
    #expect(ErrorRatio.of(actual: .infinity, expected: .infinity, tolerance) == 0)
    #expect(ErrorRatio.of(actual: .infinity, expected: 1, tolerance) == .infinity)
    #expect(ErrorRatio.of(actual: 2, expected: 1, .exact) == .infinity)
    #expect(ErrorRatio.of(actual: 1.5, expected: 1, Tolerance(rtol: 0, atol: 0.25)) == 2)
  }

  /// Over random float64 arrays with differences around the tolerance, the elements whose
  /// ratio exceeds 1 are exactly those `compareArray` counts.
  @Test func ratiosAboveOneAreTheComparisonsMismatches() {
    var generator = SystemRandomNumberGenerator()
    let expectedValues = (0..<4_000).map { _ in Double.random(in: -3...3, using: &generator) }
    let actualValues = expectedValues.map { e in
      e + (tolerance.atol + tolerance.rtol * abs(e)) * Double.random(in: -3...3, using: &generator)
    }
    let actual = NDArray(shape: [40, 100], scalars: actualValues)
    let expected = NDArray(shape: [40, 100], scalars: expectedValues)
    let comparison = compareArray(name: "x", actual: actual, expected: expected, tolerance: tolerance)
    let above = zip(actualValues, expectedValues).count { ErrorRatio.of(actual: $0, expected: $1, tolerance) > 1 }
    #expect(comparison.mismatched > 100 && comparison.mismatched < 3_900)
    #expect(above == comparison.mismatched)
    let pictures = ArrayPictures(actual: actual, expected: expected, tolerance: tolerance, layout: .plain)
    let histogramAbove = pictures.histogram.counts[ErrorHistogram.firstFailingBin...].reduce(0, +)
    #expect(histogramAbove == comparison.mismatched)
    #expect(pictures.histogram.counts.reduce(0, +) == 4_000)
  }

  @Test func histogramBinsAreDecadesWithOneWithin() {
    #expect(ErrorHistogram.bin(of: 0) == 0)
    #expect(ErrorHistogram.bin(of: 1e-7) == 1)
    #expect(ErrorHistogram.bin(of: 1) == ErrorHistogram.firstFailingBin - 1)
    #expect(ErrorHistogram.bin(of: 1.000_000_1) == ErrorHistogram.firstFailingBin)
    #expect(ErrorHistogram.bin(of: 10) == ErrorHistogram.firstFailingBin)
    #expect(ErrorHistogram.bin(of: 1e7) == ErrorHistogram.labels.count - 2)
    #expect(ErrorHistogram.bin(of: .infinity) == ErrorHistogram.labels.count - 1)
    #expect(ErrorHistogram.labels[ErrorHistogram.firstFailingBin] == "1e0 – 1e1")
  }
}
