import TLArray
import Testing

/// Two runs of one fixture (results by name) that must agree to rounding: the same names,
/// dtypes and shapes, and every element within `bound` relative (to max(1, |value|)), the bound
/// by dtype.
func expectSameToRounding(
  _ results: [String: NDArray], _ others: [String: NDArray], case name: String, float32 bound32: Double,
  float64 bound64: Double
) throws {
  #expect(!results.isEmpty && Set(results.keys) == Set(others.keys), "\(name): the results' names differ")
  for (key, array) in results {
    let other = try #require(others[key])
    #expect(array.dtype == other.dtype && array.shape == other.shape, "\(name): \(key)")
    let a = array.astype(.float64).scalars(as: Double.self)
    let b = other.astype(.float64).scalars(as: Double.self)
    let worst = zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
    let bound = array.dtype == .float32 ? bound32 : bound64
    #expect(worst <= bound, "\(name): \(key) differs by \(worst)")
  }
}
