import TLArray

/// Byte-level rearrangements of (N,T,K) arrays along time and features, for TimeBiLSTM: they
/// copy whole runs of elements and never look at values, so any dtype works.
extension NDArray {
  /// xs[:, ::-1]: the time axis reversed.
  func reversedTime() -> NDArray {
    precondition(rank == 3, "reversedTime of \(shape)")
    let (n, t) = (shape[0], shape[1])
    let run = shape[2] * dtype.itemSize
    return rearranged(shape: shape) { src, dst in
      for row in 0..<n {
        for step in 0..<t {
          (dst + (row * t + step) * run).copyMemory(
            from: src + (row * t + t - 1 - step) * run, byteCount: run)
        }
      }
    }
  }

  /// x[:, :, from..<from+width]: a slice of the last axis.
  func lastAxisSlice(from: Int, width: Int) -> NDArray {
    precondition(
      rank == 3 && from >= 0 && from + width <= shape[2], "slice \(from)+\(width) of \(shape)")
    let rows = shape[0] * shape[1]
    let size = dtype.itemSize
    let k = shape[2]
    return rearranged(shape: [shape[0], shape[1], width]) { src, dst in
      for r in 0..<rows {
        (dst + r * width * size).copyMemory(
          from: src + (r * k + from) * size, byteCount: width * size)
      }
    }
  }

  /// np.concatenate((self, other), axis=2) for two (N,T,·) arrays of one dtype.
  func concatenatedLastAxis(_ other: NDArray) -> NDArray {
    precondition(
      rank == 3 && other.rank == 3 && dtype == other.dtype && shape[0...1] == other.shape[0...1])
    let (k1, k2, size, rows) = (shape[2], other.shape[2], dtype.itemSize, shape[0] * shape[1])
    var out = NDArray(zeros: dtype, shape: [shape[0], shape[1], k1 + k2])
    out.withUnsafeMutableBytes { dst in
      withUnsafeBytes { a in
        other.withUnsafeBytes { b in
          guard let d = dst.baseAddress else { return }
          for r in 0..<rows {
            if let a = a.baseAddress {
              (d + r * (k1 + k2) * size).copyMemory(from: a + r * k1 * size, byteCount: k1 * size)
            }
            if let b = b.baseAddress {
              (d + (r * (k1 + k2) + k1) * size).copyMemory(
                from: b + r * k2 * size, byteCount: k2 * size)
            }
          }
        }
      }
    }
    return out
  }

  /// A new array of `shape` and this dtype, filled by `body(source bytes, destination bytes)`.
  private func rearranged(
    shape newShape: [Int], _ body: (UnsafeRawPointer, UnsafeMutableRawPointer) -> Void
  ) -> NDArray {
    var out = NDArray(zeros: dtype, shape: newShape)
    out.withUnsafeMutableBytes { dst in
      withUnsafeBytes { src in
        guard let s = src.baseAddress, let d = dst.baseAddress else { return }
        body(s, d)
      }
    }
    return out
  }
}
