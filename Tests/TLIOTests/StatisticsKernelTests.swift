import TLArray
import TLFormats
import TLTestSupport
import Testing

@testable import TLIO

/// The fast float statistics against NumPy (testdata/gen_statistics.py), with the default
/// chunking and with 16-element chunks split over threads, so small fixtures cross chunk
/// boundaries, SIMD tails, the NaN/Inf fallback and the parallel split.
struct StatisticsKernelTests {
  static let cases = [
    "normal_f32", "nan_f32", "inf_f32", "both_inf_f32", "all_nan_f64", "offset_f64",
    "overflow_f64", "tail_f32", "signed_zero_f32", "signed_zero_max_f64",
  ]

  /// statistics() with the default settings, and with tiny chunks on every processor.
  static func variants(_ array: NDArray) -> [ArrayStatistics] {
    let small: ArrayStatistics
    switch array.dtype {
    case .float32:
      small = array.withUnsafeBufferPointer(of: Float.self) {
        FloatStatisticsKernel.statistics($0, chunk: 16, parallelThreshold: 0)
      }
    default:
      small = array.withUnsafeBufferPointer(of: Double.self) {
        FloatStatisticsKernel.statistics($0, chunk: 16, parallelThreshold: 0)
      }
    }
    return [array.statistics(), small]
  }

  @Test(arguments: cases)
  func matchesNumPy(_ name: String) throws {
    let array = try NPY.read(path: Fixtures.path("statistics/\(name).npy"))
    let expected = try NPY.read(path: Fixtures.path("statistics/\(name)_expected.npy"))
      .scalars(as: Double.self)
    for stats in Self.variants(array) {
      expectSame(stats.min, expected[0], "min of \(name)")
      expectSame(stats.max, expected[1], "max of \(name)")
      if let mean = stats.mean, mean.isFinite {
        #expect(abs(mean - expected[2]) <= 1e-12 * abs(expected[2]), "mean of \(name)")
      } else {
        expectSame(stats.mean, expected[2], "mean of \(name)")
      }
      #expect(stats.nanCount == Int(expected[3]), "NaN count of \(name)")
      #expect(stats.infCount == Int(expected[4]), "Inf count of \(name)")
    }
  }

  /// The split between threads never changes a bit of the result.
  @Test(arguments: cases)
  func splitDoesNotChangeTheResult(_ name: String) throws {
    let array = try NPY.read(path: Fixtures.path("statistics/\(name).npy"))
    let results = [1, 3, 16, 64].map { chunk in
      array.dtype == .float32
        ? array.withUnsafeBufferPointer(of: Float.self) {
          [
            FloatStatisticsKernel.statistics($0, chunk: chunk, parallelThreshold: .max),
            FloatStatisticsKernel.statistics($0, chunk: chunk, parallelThreshold: 0),
          ]
        }
        : array.withUnsafeBufferPointer(of: Double.self) {
          [
            FloatStatisticsKernel.statistics($0, chunk: chunk, parallelThreshold: .max),
            FloatStatisticsKernel.statistics($0, chunk: chunk, parallelThreshold: 0),
          ]
        }
    }
    for pair in results {
      #expect(bits(pair[0]) == bits(pair[1]), "\(name): one thread vs. all")
    }
  }

  /// The result with its floats as bit patterns, so NaN and signed zeros compare exactly.
  func bits(_ s: ArrayStatistics) -> [UInt64?] {
    [s.min?.bitPattern, s.max?.bitPattern, s.mean?.bitPattern, UInt64(s.nanCount), UInt64(s.infCount)]
  }

  /// A value NumPy wrote, where NaN in the fixture means "none"; zeros compared with sign.
  func expectSame(_ actual: Double?, _ expected: Double, _ what: String) {
    guard let actual else {
      #expect(expected.isNaN, "\(what): got none, NumPy has \(expected)")
      return
    }
    if expected.isNaN {
      #expect(actual.isNaN, "\(what): got \(actual), expected NaN")
    } else {
      #expect(actual == expected && actual.sign == expected.sign, "\(what): \(actual) vs \(expected)")
    }
  }
}

@Test func statisticsIgnoreNaNAndCountInf() {
  let a = NDArray(shape: [5], scalars: [Float](arrayLiteral: 1, .nan, -2, .infinity, 4))
  let s = a.statistics()
  #expect(s.nanCount == 1 && s.infCount == 1 && s.min == -2 && s.max == .infinity)
  let ints = NDArray(shape: [3], scalars: [Int16](arrayLiteral: 3, -1, 4)).statistics()
  #expect(ints.min == -1 && ints.max == 4 && ints.mean == 2)
  #expect(NDArray(zeros: .float32, shape: [0]).statistics().mean == nil)
}
