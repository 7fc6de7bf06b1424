/// A read-only row-major matrix inside a buffer: `rows`×`cols`, rows `ld` elements apart.
///
/// A view, not an owner: valid only inside the `withUnsafe…` scope that produced `base`. Slices
/// such as the t-th step of an (N,T,D) array are views with `ld = T·D`.
@usableFromInline package struct Matrix<T> {
  @usableFromInline package var base: UnsafePointer<T>
  @usableFromInline package var rows: Int
  @usableFromInline package var cols: Int
  @usableFromInline package var ld: Int

  @inlinable
  package init(_ base: UnsafePointer<T>, rows: Int, cols: Int, ld: Int? = nil) {
    self.base = base
    self.rows = rows
    self.cols = cols
    self.ld = ld ?? cols
    precondition(self.ld >= cols, "leading dimension \(self.ld) < \(cols) columns")
  }

  /// A whole contiguous buffer seen as `rows`×`cols`.
  @inlinable
  package init(_ buffer: UnsafeBufferPointer<T>, rows: Int, cols: Int) {
    precondition(buffer.count >= rows * cols, "buffer of \(buffer.count) for \(rows)×\(cols)")
    self.init(
      buffer.baseAddress ?? UnsafePointer(EmptyMatrix.base.assumingMemoryBound(to: T.self)),
      rows: rows, cols: cols)
  }

  @inlinable @inline(__always) package subscript(row: Int, col: Int) -> T { base[row * ld + col] }
}

/// A writable row-major matrix inside a buffer; see ``Matrix``.
@usableFromInline package struct MutableMatrix<T> {
  @usableFromInline package var base: UnsafeMutablePointer<T>
  @usableFromInline package var rows: Int
  @usableFromInline package var cols: Int
  @usableFromInline package var ld: Int

  @inlinable
  package init(_ base: UnsafeMutablePointer<T>, rows: Int, cols: Int, ld: Int? = nil) {
    self.base = base
    self.rows = rows
    self.cols = cols
    self.ld = ld ?? cols
    precondition(self.ld >= cols, "leading dimension \(self.ld) < \(cols) columns")
  }

  /// A whole contiguous buffer seen as `rows`×`cols`.
  @inlinable
  package init(_ buffer: UnsafeMutableBufferPointer<T>, rows: Int, cols: Int) {
    precondition(buffer.count >= rows * cols, "buffer of \(buffer.count) for \(rows)×\(cols)")
    self.init(
      buffer.baseAddress ?? EmptyMatrix.base.assumingMemoryBound(to: T.self), rows: rows,
      cols: cols)
  }

  /// The same memory, read-only.
  @inlinable
  package var readOnly: Matrix<T> { Matrix(UnsafePointer(base), rows: rows, cols: cols, ld: ld) }

  @inlinable @inline(__always) package subscript(row: Int, col: Int) -> T {
    get { base[row * ld + col] }
    nonmutating set { base[row * ld + col] = newValue }
  }
}

/// Where a matrix over an empty buffer (which has no base address) points: an aligned block
/// that is never read or written, since such a matrix has no elements.
@usableFromInline
enum EmptyMatrix {
  @usableFromInline
  nonisolated(unsafe) static let base = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 64)
}
