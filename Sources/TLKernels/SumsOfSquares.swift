extension Kernel {
  /// `np.sum(b.astype(np.float64) ** 2)` of each float32 buffer as a plain loop computes it:
  /// every sum accumulated in float64 in C order, one rounding per addition (each square is
  /// exact in float64), so each result's bits are the sequential loop's. The loop is bound by
  /// the additions' latency, so up to four buffers' chains advance together, their additions
  /// overlapping; the bits stay each chain's own. Used by the book's `clip_grads`.
  package static func sumsOfSquares(_ buffers: [UnsafeBufferPointer<Float>]) -> [Double] {
    var sums = [Double](repeating: 0, count: buffers.count)
    let zero: [Float] = [0]
    zero.withUnsafeBufferPointer { zero in
      guard let idle = zero.baseAddress else { return }
      // Per slot: the buffer it sums (-1 idle: it reads `idle` with stride 0), where it is,
      // how many elements are left, its sum so far.
      var owner = [-1, -1, -1, -1]
      var pointer = [idle, idle, idle, idle]
      var stride = [0, 0, 0, 0]
      var left = [0, 0, 0, 0]
      var sum = [0.0, 0.0, 0.0, 0.0]
      var next = 0
      while true {
        var run = Int.max
        for slot in 0..<4 {
          if owner[slot] >= 0, left[slot] == 0 {
            sums[owner[slot]] = sum[slot]
            (owner[slot], pointer[slot], stride[slot]) = (-1, idle, 0)
          }
          while owner[slot] < 0, next < buffers.count {
            if let base = buffers[next].baseAddress, buffers[next].count > 0 {
              (owner[slot], pointer[slot], stride[slot]) = (next, base, 1)
              (left[slot], sum[slot]) = (buffers[next].count, 0)
            }
            next += 1
          }
          if owner[slot] >= 0 { run = min(run, left[slot]) }
        }
        guard run < Int.max else { return }
        var (p0, p1, p2, p3) = (pointer[0], pointer[1], pointer[2], pointer[3])
        let (s0, s1, s2, s3) = (stride[0], stride[1], stride[2], stride[3])
        var (x0, x1, x2, x3) = (sum[0], sum[1], sum[2], sum[3])
        for _ in 0..<run {
          let (v0, v1, v2, v3) = (Double(p0.pointee), Double(p1.pointee), Double(p2.pointee), Double(p3.pointee))
          x0 += v0 * v0
          x1 += v1 * v1
          x2 += v2 * v2
          x3 += v3 * v3
          (p0, p1, p2, p3) = (p0 + s0, p1 + s1, p2 + s2, p3 + s3)
        }
        (sum[0], sum[1], sum[2], sum[3]) = (x0, x1, x2, x3)
        for slot in 0..<4 where owner[slot] >= 0 {
          pointer[slot] += run
          left[slot] -= run
        }
      }
    }
    return sums
  }
}
