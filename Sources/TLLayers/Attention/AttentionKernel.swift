import TLKernels

/// The math of the book's attention classes (ch08/attention_layer.py) for one batch row, on
/// contiguous buffers: hs (T,H) encoder states, h (H) one decoder state, a (T) weights. Sums
/// follow NumPy's order (docs/layers.md §10): along H (contiguous) pairwise, along T as `np.sum`
/// over axis 1 of (N,T,H) does it, sequentially (``Kernel/sumRows(_:into:)``).
enum AttentionKernel {
  /// AttentionWeight.forward: s[t] = Σ_k hs[t,k]·h[k]; a = softmax(s), max-subtracted.
  static func weights<T: LayerScalar>(
    hs: UnsafePointer<T>, h: UnsafePointer<T>, a: UnsafeMutablePointer<T>, t: Int, hSize: Int
  ) {
    // np.sum(hs * h, axis=2): each row's products summed pairwise as they are made.
    for step in 0..<t { a[step] = Kernel.pairwiseDot(hs + step * hSize, h, count: hSize) }
    Kernel.softmaxRows(Matrix(a, rows: 1, cols: t), into: MutableMatrix(a, rows: 1, cols: t))
  }

  /// WeightSum.forward: c[k] = Σ_t hs[t,k]·a[t]. `scratch` holds T·H values (used for H = 1).
  static func weightSum<T: LayerScalar>(
    hs: UnsafePointer<T>, a: UnsafePointer<T>, c: UnsafeMutablePointer<T>, t: Int, hSize: Int,
    scratch: UnsafeMutablePointer<T>
  ) {
    // One column (exactly: H = 0 has no column to write) is summed pairwise, as NumPy does.
    if hSize == 1 {
      for step in 0..<t { scratch[step] = hs[step] * a[step] }
      Kernel.sumRows(Matrix(scratch, rows: t, cols: 1), into: c)
      return
    }
    // ``Kernel/sumRows(_:into:)`` of the products, fused: from +0, row by row.
    for k in 0..<hSize { c[k] = 0 }
    for step in 0..<t {
      let (row, weight) = (hs + step * hSize, a[step])
      for k in 0..<hSize { c[k] += row[k] * weight }
    }
  }

  /// WeightSum.backward: dhs[t,k] = dc[k]·a[t] (written to `dhs`); da[t] = Σ_k dc[k]·hs[t,k].
  static func weightSumBackward<T: LayerScalar>(
    hs: UnsafePointer<T>, a: UnsafePointer<T>, dc: UnsafePointer<T>, dhs: UnsafeMutablePointer<T>,
    da: UnsafeMutablePointer<T>, t: Int, hSize: Int
  ) {
    for step in 0..<t {
      let out = dhs + step * hSize
      for k in 0..<hSize { out[k] = dc[k] * a[step] }
      // np.sum(dc * hs, axis=2), pairwise as the products are made.
      da[step] = Kernel.pairwiseDot(dc, hs + step * hSize, count: hSize)
    }
  }

  /// AttentionWeight.backward: ds = a⊙da − a⊙Σ_t(a⊙da) (Softmax.backward); dhs[t,k] =
  /// ds[t]·h[k], added to `dhs` when `accumulate` (Attention's dhs₀ + dhs₁); dh[k] =
  /// Σ_t ds[t]·hs[t,k]. `da` is overwritten with ds; `scratch` holds T·H values (used for
  /// H = 1).
  static func weightsBackward<T: LayerScalar>(
    hs: UnsafePointer<T>, h: UnsafePointer<T>, a: UnsafePointer<T>, da: UnsafeMutablePointer<T>,
    dhs: UnsafeMutablePointer<T>, dh: UnsafeMutablePointer<T>, t: Int, hSize: Int, accumulate: Bool,
    scratch: UnsafeMutablePointer<T>
  ) {
    for step in 0..<t { da[step] = a[step] * da[step] }
    let total = Kernel.pairwiseSum(da, count: t)
    for step in 0..<t { da[step] -= a[step] * total }
    // dh: ``Kernel/sumRows(_:into:)`` of the products fused (from +0, row by row), except for
    // one column, which it adds pairwise.
    let fused = hSize != 1  // H = 0 writes nothing either way
    if fused { for k in 0..<hSize { dh[k] = 0 } }
    for step in 0..<t {
      let row = hs + step * hSize
      let out = dhs + step * hSize
      let products = scratch + step * hSize
      for k in 0..<hSize {
        let dhs1 = da[step] * h[k]
        out[k] = accumulate ? out[k] + dhs1 : dhs1
      }
      if fused {
        for k in 0..<hSize { dh[k] += da[step] * row[k] }
      } else {
        for k in 0..<hSize { products[k] = da[step] * row[k] }
      }
    }
    if !fused { Kernel.sumRows(Matrix(scratch, rows: t, cols: hSize), into: dh) }
  }
}
