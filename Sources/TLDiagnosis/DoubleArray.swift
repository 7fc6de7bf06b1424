import TLArray
import TLCompare

/// The arithmetic the detectors share, in `Double` (exact for float16/32/64 and the ids of
/// small vocabularies): an array's values, arrays built back in a dtype, block and time-axis
/// rearrangements (``Evidence`` judges a candidate against the port's array).
enum DoubleArray {
  /// The elements in C order as `Double`.
  static func values(_ array: NDArray) -> [Double] { array.astype(.float64).scalars(as: Double.self) }

  /// An array of `shape` and `dtype` holding `values` (cast as NumPy's `astype` would).
  static func make(_ values: [Double], shape: [Int], dtype: DType) -> NDArray {
    NDArray(shape: shape, scalars: values).astype(dtype)
  }

  /// The array with its last axis cut into `blocks` equal blocks, block `j` of the result
  /// being block `order[j]` of `array` (gate blocks of Wx (D, G·H), Wh (H, G·H), b (G·H,)).
  static func permutingBlocks(_ array: NDArray, blocks: Int, order: [Int]) -> NDArray {
    let last = array.shape.last ?? 0
    let width = last / blocks
    let source = values(array)
    var result = source
    for row in stride(from: 0, to: source.count, by: max(last, 1)) {
      for (j, from) in order.enumerated() {
        for k in 0..<width { result[row + j * width + k] = source[row + from * width + k] }
      }
    }
    return make(result, shape: array.shape, dtype: array.dtype)
  }

  /// Time steps `range` of an (N, T, …) array (`xs[:, a:b]`).
  static func timeSlice(_ array: NDArray, _ range: Range<Int>) -> NDArray {
    let (n, t) = (array.shape[0], array.shape[1])
    let inner = n * t == 0 ? 0 : array.count / (n * t)
    let source = values(array)
    var result: [Double] = []
    result.reserveCapacity(n * range.count * inner)
    for i in 0..<n { result += source[(i * t + range.lowerBound) * inner..<(i * t + range.upperBound) * inner] }
    var shape = array.shape
    shape[1] = range.count
    return make(result, shape: shape, dtype: array.dtype)
  }

  /// Step `t` of an (N, T, …) array as `Double`s, N blocks of the inner size.
  static func step(_ values: [Double], shape: [Int], _ t: Int) -> [Double] {
    let (n, steps) = (shape[0], shape[1])
    let inner = values.count / max(n * steps, 1)
    var result: [Double] = []
    for i in 0..<n { result += values[(i * steps + t) * inner..<(i * steps + t + 1) * inner] }
    return result
  }

  /// `value` as an `Int` when it is a whole number of magnitude below 2⁵³ (where every
  /// integer is a `Double`); nil otherwise (a factor of 1e20 is shown as a number, never traps).
  static func wholeNumber(_ value: Double) -> Int? {
    guard abs(value) < 0x1p53 else { return nil }
    return Int(exactly: value)
  }

  /// Whether each element fails NumPy's `isclose` rule (the port on the right), by TLCompare's
  /// own element rule: an infinity against a finite number or another infinity fails, NaN
  /// against NaN passes only under `equal_nan`.
  static func failing(_ actual: [Double], _ port: [Double], _ tolerance: Tolerance) -> [Bool] {
    zip(actual, port).map { a, e in !isClose(a, e, tolerance) }
  }

  /// NumPy's `isclose` for one pair in `Double` (TLCompare's ``ElementRule``).
  static func isClose(_ a: Double, _ e: Double, _ tolerance: Tolerance) -> Bool {
    ElementRule.isClose(
      a, e, difference: abs(a - e), rtol: tolerance.rtol, atol: tolerance.atol, equalNaN: tolerance.equalNaN)
  }
}

/// An (N, T, …) array converted to `Double` once, its single time steps cut from that buffer:
/// a detector that walks the steps pays O(N·T·…) in all, where `DoubleArray.timeSlice` per
/// step would convert the whole array T times (O(T²)).
struct TimeSteps {
  let values: [Double]
  let shape: [Int]
  let dtype: DType

  init(_ array: NDArray) {
    (values, shape, dtype) = (DoubleArray.values(array), array.shape, array.dtype)
  }

  /// Step `t` as an (N, 1, …) array of the array's dtype (`xs[:, t:t+1]`).
  func callAsFunction(_ t: Int) -> NDArray {
    var stepShape = shape
    stepShape[1] = 1
    return DoubleArray.make(DoubleArray.step(values, shape: shape, t), shape: stepShape, dtype: dtype)
  }
}
