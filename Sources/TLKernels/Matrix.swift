/// A read-only row-major matrix inside a buffer: `rows`×`cols`, rows `ld` elements apart.
///
/// A view, not an owner: valid only inside the `withUnsafe…` scope that produced `base`. Slices
/// such as the t-th step of an (N,T,D) array are views with `ld = T·D`.
struct Matrix<T> {
  var base: UnsafePointer<T>
  var rows: Int
  var cols: Int
  var ld: Int

  init(_ base: UnsafePointer<T>, rows: Int, cols: Int, ld: Int? = nil) {
    self.base = base
    self.rows = rows
    self.cols = cols
    self.ld = ld ?? cols
    precondition(self.ld >= cols, "leading dimension \(self.ld) < \(cols) columns")
  }

  /// A whole contiguous buffer seen as `rows`×`cols`.
  init(_ buffer: UnsafeBufferPointer<T>, rows: Int, cols: Int) {
    precondition(buffer.count >= rows * cols, "buffer of \(buffer.count) for \(rows)×\(cols)")
    self.init(
      buffer.baseAddress ?? UnsafePointer(EmptyMatrix.base.assumingMemoryBound(to: T.self)),
      rows: rows, cols: cols)
  }

  @inline(__always) subscript(row: Int, col: Int) -> T { base[row * ld + col] }
}

/// A writable row-major matrix inside a buffer; see ``Matrix``.
struct MutableMatrix<T> {
  var base: UnsafeMutablePointer<T>
  var rows: Int
  var cols: Int
  var ld: Int

  init(_ base: UnsafeMutablePointer<T>, rows: Int, cols: Int, ld: Int? = nil) {
    self.base = base
    self.rows = rows
    self.cols = cols
    self.ld = ld ?? cols
    precondition(self.ld >= cols, "leading dimension \(self.ld) < \(cols) columns")
  }

  /// A whole contiguous buffer seen as `rows`×`cols`.
  init(_ buffer: UnsafeMutableBufferPointer<T>, rows: Int, cols: Int) {
    precondition(buffer.count >= rows * cols, "buffer of \(buffer.count) for \(rows)×\(cols)")
    self.init(
      buffer.baseAddress ?? EmptyMatrix.base.assumingMemoryBound(to: T.self), rows: rows,
      cols: cols)
  }

  /// The same memory, read-only.
  var readOnly: Matrix<T> { Matrix(UnsafePointer(base), rows: rows, cols: cols, ld: ld) }

  @inline(__always) subscript(row: Int, col: Int) -> T {
    get { base[row * ld + col] }
    nonmutating set { base[row * ld + col] = newValue }
  }
}

/// Where a matrix over an empty buffer (which has no base address) points: an aligned block
/// that is never read or written, since such a matrix has no elements.
private enum EmptyMatrix {
  nonisolated(unsafe) static let base = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 64)
}
