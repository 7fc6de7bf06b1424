import TLArray

/// A typed buffer of the layers' own that becomes an ``NDArray`` without a copy: working memory
/// (gates, states, products), allocated once per call and reused across steps.
///
/// Writable, so it never views an input: inputs are read through ``ReadOnlyBuffer``. Hand a
/// buffer out with ``array(_:)`` only when nothing will write it afterwards: the array shares
/// the memory.
@usableFromInline package struct Buffer<T: LayerScalar> {
  @usableFromInline let storage: ArrayStorage
  @usableFromInline package let count: Int

  /// `count` zeros.
  @inlinable
  package init(zeros count: Int) {
    self.count = count
    storage = ArrayStorage(byteCount: count * MemoryLayout<T>.stride)
    if !storage.isZeroed { storage.base.initializeMemory(as: T.self, repeating: 0, count: count) }
  }

  /// The memory of `fresh`, an array nothing else holds (a product just computed), when it
  /// already holds `T`; else a converted copy.
  @inlinable
  package init(adopting fresh: NDArray) {
    if fresh.dtype == T.dtype {
      self.init(storage: fresh.storage, count: fresh.count)
    } else {
      self.init(converting: fresh)
    }
  }

  @inlinable
  init(storage: ArrayStorage, count: Int) {
    self.storage = storage
    self.count = count
  }

  /// The elements of `array`, converted to `T` with NumPy's cast values, in new memory.
  @inlinable
  package init(converting array: NDArray) {
    self.init(zeros: array.count)
    array.cast(into: UnsafeMutableBufferPointer(start: p, count: count))
  }

  /// The first element; valid while this buffer (or an array made from it) is alive.
  @inlinable
  package var p: UnsafeMutablePointer<T> { storage.base.assumingMemoryBound(to: T.self) }

  /// All of it as a `rows`×`cols` matrix (rows ≥ 0 may be 0).
  @inlinable
  package func matrix(rows: Int, cols: Int) -> Matrix<T> {
    Matrix(UnsafePointer(p), rows: rows, cols: cols)
  }
  @inlinable
  package func mutableMatrix(rows: Int, cols: Int) -> MutableMatrix<T> {
    MutableMatrix(p, rows: rows, cols: cols)
  }

  /// The buffer as an array of `shape`, sharing its memory.
  @inlinable
  package func array(_ shape: [Int]) -> NDArray {
    precondition(Shape.count(shape) <= count, "\(shape) does not fit \(count) elements")
    return NDArray(dtype: T.dtype, shape: shape, storage: storage)
  }

  /// A copy converted to `U` (exact when widening Float to Double).
  @inlinable
  package func converted<U: LayerScalar>(to _: U.Type) -> Buffer<U> {
    let out = Buffer<U>(zeros: count)
    for i in 0..<count { out.p[i] = U(p[i]) }
    return out
  }

  /// A copy of the first `count` elements (a final state handed out while the tape keeps its own).
  @inlinable
  package func copy(count: Int) -> Buffer<T> {
    let out = Buffer<T>(zeros: count)
    out.p.update(from: p, count: count)
    return out
  }

  /// A new array of `dtype` (float32 or float64) holding these values, rounded when narrowing:
  /// the book's write into an `'f'` buffer or a grad's `[...] =`.
  @inlinable
  package func cast(_ dtype: DType, shape: [Int]) -> NDArray {
    if dtype == T.dtype { return array(shape) }
    return dtype.byFloat(
      float: { converted(to: Float.self).array(shape) },
      double: { converted(to: Double.self).array(shape) })
  }
}
