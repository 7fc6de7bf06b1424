import TLArray
import TLSystem

/// Sums in NumPy's exact order (docs/layers.md §10), so float32 results match `np.sum` bit for bit.
extension Kernel {
  /// NumPy's pairwise sum of `n` values `stride` apart: what `np.sum` does along a contiguous
  /// axis (1-D arrays, `axis=-1`, softmax row sums). Sequential below 8, eight interleaved
  /// partial sums up to 128, halves split at a multiple of 8 above.
  @inlinable
  package static func pairwiseSum<T: LayerScalar>(_ a: UnsafePointer<T>, count n: Int, stride: Int = 1) -> T {
    if T.self == Float.self, stride == 1, n >= 8, NumPyMathPath.usesC {
      return unsafeBitCast(
        VectorSum.pairwise(UnsafeRawPointer(a).assumingMemoryBound(to: Float.self), count: n), to: T.self)
    }
    if n < 8 {
      var res: T = 0
      for i in 0..<n { res += a[i * stride] }
      return res
    }
    if n <= 128 {
      var r0 = a[0]
      var r1 = a[stride]
      var r2 = a[2 * stride]
      var r3 = a[3 * stride]
      var r4 = a[4 * stride]
      var r5 = a[5 * stride]
      var r6 = a[6 * stride]
      var r7 = a[7 * stride]
      var i = 8
      while i < n - n % 8 {
        let p = a + i * stride
        r0 += p[0]
        r1 += p[stride]
        r2 += p[2 * stride]
        r3 += p[3 * stride]
        r4 += p[4 * stride]
        r5 += p[5 * stride]
        r6 += p[6 * stride]
        r7 += p[7 * stride]
        i += 8
      }
      var res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
      while i < n {
        res += a[i * stride]
        i += 1
      }
      return res
    }
    var half = n / 2
    half -= half % 8
    return pairwiseSum(a, count: half, stride: stride)
      + pairwiseSum(a + half * stride, count: n - half, stride: stride)
  }

  /// out[j] ← Σ_r m[r, j], sequentially row by row: NumPy's `np.sum(m, axis=0)` for a
  /// C-contiguous matrix (db in Affine/TimeAffine/RNN/LSTM). A single column is pairwise, as
  /// NumPy treats it as contiguous.
  @inlinable
  package static func sumRows<T: LayerScalar>(_ m: Matrix<T>, into out: UnsafeMutablePointer<T>) {
    // NumPy starts every reduction from the identity +0.0, so −0.0 sums come out as +0.0.
    if m.cols == 1 {
      out[0] = 0 + pairwiseSum(m.base, count: m.rows, stride: m.ld)
      return
    }
    // Blocks of columns over the cores for a large matrix (TimeAffine's db over N·T×V): each
    // column is still summed by one worker, row by row, so the result is the serial one.
    let (src, dst) = (UncheckedSendable(m), UncheckedSendable(out))
    forEachRowRange(rows: m.cols, cols: m.rows) { columns in
      let (m, out) = (src.value, dst.value)
      if T.self == Float.self, NumPyMathPath.usesC {
        VectorSum.sumRows(
          UnsafeRawPointer(m.base).assumingMemoryBound(to: Float.self), rows: m.rows, ld: m.ld, columns: columns,
          into: UnsafeMutableRawPointer(out).assumingMemoryBound(to: Float.self))
        return
      }
      for j in columns { out[j] = 0 }
      for r in 0..<m.rows {
        let row = m.base + r * m.ld
        for j in columns { out[j] += row[j] }
      }
    }
  }

  /// `np.sum(m, axis=0)` of a 2-D array, in its own dtype.
  @usableFromInline package static func sumRows(_ m: NDArray) -> NDArray {
    precondition(m.rank == 2, "sumRows of \(m.shape)")
    var out = NDArray(zeros: m.dtype, shape: [m.shape[1]])
    m.dtype.byFloat(
      float: { sumRows(m, into: &out, Float.self) }, double: { sumRows(m, into: &out, Double.self) }
    )
    return out
  }

  private static func sumRows<T: LayerScalar>(_ m: NDArray, into out: inout NDArray, _: T.Type) {
    m.withUnsafeBufferPointer(of: T.self) { src in
      out.withUnsafeMutableBufferPointer(of: T.self) { dst in
        guard let base = dst.baseAddress else { return }
        sumRows(Matrix(src, rows: m.shape[0], cols: m.shape[1]), into: base)
      }
    }
  }

  /// `np.sum(a)` of a whole float array (contiguous, so pairwise), in its own dtype.
  @inlinable
  package static func sumAll<T: LayerScalar>(_ a: UnsafeBufferPointer<T>) -> T {
    guard let base = a.baseAddress else { return 0 }
    return 0 + pairwiseSum(base, count: a.count)
  }
}
