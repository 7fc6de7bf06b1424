extension NDArray {
  /// `W.T` (NumPy's `a.T` copied C-ordered) of a 2-d array (R, C) → (C, R), any dtype, in
  /// 32×32 tiles; an array of another rank is returned unchanged. Used by the graphs' tied
  /// params and the diagnosis's `transposed` candidate.
  public func transposed() -> NDArray {
    guard rank == 2 else { return self }
    let (rows, cols, item) = (shape[0], shape[1], dtype.itemSize)
    var result = NDArray(zeros: dtype, shape: [cols, rows])
    withUnsafeBytes { source in
      result.withUnsafeMutableBytes { target in
        guard let from = source.baseAddress, let to = target.baseAddress else { return }
        let aligned = Int(bitPattern: from) % item == 0 && Int(bitPattern: to) % item == 0
        switch aligned ? item : 0 {
        case 4: Self.transpose(from, to, rows, cols, UInt32.self)
        case 8: Self.transpose(from, to, rows, cols, UInt64.self)
        case 2: Self.transpose(from, to, rows, cols, UInt16.self)
        case 1: Self.transpose(from, to, rows, cols, UInt8.self)
        default:
          for r in 0..<rows {
            for c in 0..<cols {
              (to + (c * rows + r) * item).copyMemory(from: from + (r * cols + c) * item, byteCount: item)
            }
          }
        }
      }
    }
    return result
  }

  private static func transpose<T: FixedWidthInteger>(
    _ from: UnsafeRawPointer, _ to: UnsafeMutableRawPointer, _ rows: Int, _ cols: Int, _: T.Type
  ) {
    let (source, target) = (from.assumingMemoryBound(to: T.self), to.assumingMemoryBound(to: T.self))
    let tile = 32
    for r0 in stride(from: 0, to: rows, by: tile) {
      for c0 in stride(from: 0, to: cols, by: tile) {
        for r in r0..<min(r0 + tile, rows) {
          for c in c0..<min(c0 + tile, cols) { target[c * rows + r] = source[r * cols + c] }
        }
      }
    }
  }
}
