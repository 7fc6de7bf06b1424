import TLArray

/// A fresh typed buffer that becomes an ``NDArray`` without a copy: the recurrent layers'
/// working memory (gates, states, products), allocated once per call and reused across steps.
///
/// Hand a buffer out with ``array(_:)`` only when nothing will write it afterwards: the array
/// shares the memory.
struct Buffer<T: LayerScalar> {
  let storage: ArrayStorage
  let count: Int

  /// `count` zeros.
  init(zeros count: Int) {
    self.count = count
    storage = ArrayStorage(byteCount: count * MemoryLayout<T>.stride)
    if !storage.isZeroed { storage.base.initializeMemory(as: T.self, repeating: 0, count: count) }
  }

  /// `array`'s own memory when it already holds `T` (no copy), else a converted copy. Only for
  /// buffers nothing writes, or for an array no one else holds (a fresh product).
  init(viewing array: NDArray) {
    if array.dtype == T.dtype {
      self.init(storage: array.storage, count: array.count)
    } else {
      self.init(converting: array)
    }
  }

  private init(storage: ArrayStorage, count: Int) {
    self.storage = storage
    self.count = count
  }

  /// The elements of `array`, converted to `T` with NumPy's cast values.
  init(converting array: NDArray) {
    self.init(zeros: array.count)
    array.convertElements(into: UnsafeMutableBufferPointer(start: p, count: count))
  }

  /// The first element; valid while this buffer (or an array made from it) is alive.
  var p: UnsafeMutablePointer<T> { storage.base.assumingMemoryBound(to: T.self) }

  /// All of it as a `rows`×`cols` matrix (rows ≥ 0 may be 0).
  func matrix(rows: Int, cols: Int) -> Matrix<T> {
    Matrix(UnsafePointer(p), rows: rows, cols: cols)
  }
  func mutableMatrix(rows: Int, cols: Int) -> MutableMatrix<T> {
    MutableMatrix(p, rows: rows, cols: cols)
  }

  /// The buffer as an array of `shape`, sharing its memory.
  func array(_ shape: [Int]) -> NDArray {
    precondition(Shape.count(shape) <= count, "\(shape) does not fit \(count) elements")
    return NDArray(dtype: T.dtype, shape: shape, storage: storage)
  }

  /// A copy converted to `U` (exact when widening Float to Double).
  func converted<U: LayerScalar>(to _: U.Type) -> Buffer<U> {
    let out = Buffer<U>(zeros: count)
    for i in 0..<count { out.p[i] = U(p[i]) }
    return out
  }

  /// A new array of `dtype` (float32 or float64) holding these values, rounded when narrowing:
  /// the book's write into an `'f'` buffer or a grad's `[...] =`.
  func cast(_ dtype: DType, shape: [Int]) -> NDArray {
    if dtype == T.dtype { return array(shape) }
    return dtype.byFloat(
      float: { converted(to: Float.self).array(shape) },
      double: { converted(to: Double.self).array(shape) })
  }
}
