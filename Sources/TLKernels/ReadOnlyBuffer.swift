import TLArray

/// An input's elements in `T`, for reading only: the array's own memory when it already holds
/// `T` (no copy), else a converted copy.
///
/// Inputs can be weights shared by the concurrent cases of a batch, so this view hands out only
/// `UnsafePointer` and read-only ``Matrix`` views: writing through it does not compile.
@usableFromInline package struct ReadOnlyBuffer<T: LayerScalar> {
  @usableFromInline let storage: ArrayStorage
  @usableFromInline package let count: Int

  /// Views `array` in place when its dtype is `T`'s, else converts it.
  @inlinable
  package init(viewing array: NDArray) {
    if array.dtype == T.dtype {
      self.init(storage: array.storage, count: array.count)
    } else {
      self.init(Buffer<T>(converting: array))
    }
  }

  /// A buffer of the caller's own, from now on only read.
  @inlinable
  package init(_ buffer: Buffer<T>) {
    self.init(storage: buffer.storage, count: buffer.count)
  }

  @inlinable
  init(storage: ArrayStorage, count: Int) {
    self.storage = storage
    self.count = count
  }

  /// The first element; valid while this view (or the array it views) is alive.
  @inlinable
  package var p: UnsafePointer<T> { UnsafePointer(storage.base.assumingMemoryBound(to: T.self)) }

  /// All of it as a `rows`×`cols` matrix.
  @inlinable
  package func matrix(rows: Int, cols: Int) -> Matrix<T> { Matrix(p, rows: rows, cols: cols) }

  /// A copy converted to `U` (exact when widening Float to Double).
  @inlinable
  package func converted<U: LayerScalar>(to _: U.Type) -> ReadOnlyBuffer<U> {
    let out = Buffer<U>(zeros: count)
    for i in 0..<count { out.p[i] = U(p[i]) }
    return ReadOnlyBuffer<U>(out)
  }
}
