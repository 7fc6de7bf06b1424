import TLArray

/// Integer ids as row numbers, NumPy's fancy-indexing rules (docs/layers.md §2.9), and the gather
/// and scatter-add that Embedding-type layers do with them.
extension Kernel {
  /// An id outside [−rows, rows): where it is (flat) and its value as NumPy prints it.
  @usableFromInline package struct IndexOutOfBounds: Error {
    @usableFromInline package var flatIndex: Int
    @usableFromInline package var value: String
  }

  /// The rows that integer `ids` select in a table of `rows` rows, negatives wrapped (−1 → last
  /// row), or the first id outside [−rows, rows). `ids` must have an integer dtype.
  @usableFromInline package static func rowIndices(_ ids: NDArray, rows: Int) -> Result<[Int], IndexOutOfBounds> {
    precondition(ids.dtype.isInteger, "row indices of \(ids.dtype)")
    return ids.dtype.acceptByKind(RowIndices(ids: ids, rows: rows))
  }

  /// The wrapped row numbers of integer ids of any width, or the first out-of-range id.
  private struct RowIndices: DTypeKindVisitor {
    let ids: NDArray
    let rows: Int

    func visitInteger<I: NDElement & FixedWidthInteger>(_: I.Type) -> Result<[Int], IndexOutOfBounds> {
      ids.withUnsafeBufferPointer(of: I.self) { src in
        var indices = [Int](repeating: 0, count: src.count)
        for i in src.indices {
          let v = src[i]
          guard let n = Int(exactly: v), n >= -rows, n < rows else {
            return .failure(IndexOutOfBounds(flatIndex: i, value: "\(v)"))
          }
          indices[i] = n < 0 ? n + rows : n
        }
        return .success(indices)
      }
    }

    func visitFloat<F: NDElement & BinaryFloatingPoint>(_: F.Type) -> Result<[Int], IndexOutOfBounds> {
      preconditionFailure("row indices of \(F.dtype)")
    }

    func visitBool() -> Result<[Int], IndexOutOfBounds> { preconditionFailure("row indices of bool") }
  }

  /// A flat index as NumPy's multi-index, `(1, 3)`.
  @usableFromInline package static func describeIndex(_ flat: Int, in shape: [Int]) -> String {
    var rest = flat
    var parts = [Int](repeating: 0, count: shape.count)
    for axis in shape.indices.reversed() where shape[axis] > 0 {
      parts[axis] = rest % shape[axis]
      rest /= shape[axis]
    }
    return Shape.describe(parts)
  }

  /// out[k, :] ← table[indices[k], :], each value converted to `Out` (W[idx], then the cast
  /// into the destination buffer).
  @inlinable
  package static func gatherRows<Src: LayerScalar, Out: LayerScalar>(
    _ table: Matrix<Src>, _ indices: some Collection<Int>, into out: MutableMatrix<Out>
  ) {
    precondition(out.rows == indices.count && out.cols == table.cols, "gather shapes differ")
    for (k, row) in indices.enumerated() {
      let src = table.base + row * table.ld
      let dst = out.base + k * out.ld
      for j in 0..<table.cols { dst[j] = Out(src[j]) }
    }
  }

  /// acc[indices[k], :] += src[k, :] for k in order, like `np.add.at`: each addition is done in
  /// promote(Acc, Src) and rounded to `Acc`, so repeated ids accumulate.
  @inlinable
  package static func scatterAddRows<Src: LayerScalar, Acc: LayerScalar>(
    _ src: Matrix<Src>, _ indices: some Collection<Int>, into acc: MutableMatrix<Acc>
  ) {
    precondition(src.rows == indices.count && src.cols == acc.cols, "scatter-add shapes differ")
    for (k, row) in indices.enumerated() {
      let from = src.base + k * src.ld
      let to = acc.base + row * acc.ld
      if Src.self == Acc.self {
        let from = UnsafeRawPointer(from).assumingMemoryBound(to: Acc.self)
        for j in 0..<src.cols { to[j] += from[j] }
      } else {
        // The wider type is Double; a Float sum rounded once from Double is exact (53 ≥ 2·24+2).
        for j in 0..<src.cols { to[j] = Acc(Double(to[j]) + Double(from[j])) }
      }
    }
  }
}
