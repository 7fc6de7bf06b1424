/// NumPy's pairwise sum of elementwise products, without storing the products first.
extension Kernel {
  /// ``pairwiseSum(_:count:stride:)`` of a[i]·b[i] for i < n (both contiguous): each product
  /// rounded to `T` and added in the pairwise sum's order, so the bits are those of
  /// `np.sum(a * b, axis=-1)` (the attention's s = Σ_k hs[t,k]·h[k] and da = Σ_k dc[k]·hs[t,k]).
  @inlinable
  package static func pairwiseDot<T: LayerScalar>(_ a: UnsafePointer<T>, _ b: UnsafePointer<T>, count n: Int) -> T {
    if n < 8 {
      var res: T = 0
      for i in 0..<n { res += a[i] * b[i] }
      return res
    }
    if n <= 128 {
      var r0 = a[0] * b[0]
      var r1 = a[1] * b[1]
      var r2 = a[2] * b[2]
      var r3 = a[3] * b[3]
      var r4 = a[4] * b[4]
      var r5 = a[5] * b[5]
      var r6 = a[6] * b[6]
      var r7 = a[7] * b[7]
      var i = 8
      while i < n - n % 8 {
        r0 += a[i] * b[i]
        r1 += a[i + 1] * b[i + 1]
        r2 += a[i + 2] * b[i + 2]
        r3 += a[i + 3] * b[i + 3]
        r4 += a[i + 4] * b[i + 4]
        r5 += a[i + 5] * b[i + 5]
        r6 += a[i + 6] * b[i + 6]
        r7 += a[i + 7] * b[i + 7]
        i += 8
      }
      var res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
      while i < n {
        res += a[i] * b[i]
        i += 1
      }
      return res
    }
    var half = n / 2
    half -= half % 8
    return pairwiseDot(a, b, count: half) + pairwiseDot(a + half, b + half, count: n - half)
  }
}
