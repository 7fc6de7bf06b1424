import TLArray
import TLKernels
import TLSystem

extension NDArray {
  /// `np.sum(self ** 2)` of a float32 or float64 array as NumPy 2 computes it: the squares in
  /// the array's dtype, added in NumPy's pairwise order (TLKernels' `pairwiseSumOfSquares`);
  /// the value in the array's dtype, held in a Double. Other dtypes: a float64 loop.
  func pairwiseSumOfSquares() -> Double {
    switch dtype {
    case .float32: Double(withUnsafeBufferPointer(of: Float.self) { Kernel.pairwiseSumOfSquares($0) })
    case .float64: withUnsafeBufferPointer(of: Double.self) { Kernel.pairwiseSumOfSquares($0) }
    default: (0..<count).reduce(0.0) { $0 + double(atFlat: $1) * double(atFlat: $1) }
    }
  }

  /// `self + other.T` for a 2-d `self` (R, C) and `other` (C, R) of one float dtype, in one
  /// pass (tiled, on every core for a large one: `Kernel.addTransposed`) without the
  /// transposed copy; nil for other dtypes or shapes.
  func plusTransposed(_ other: NDArray) -> NDArray? {
    guard rank == 2, other.shape == [shape[1], shape[0]], dtype == other.dtype else { return nil }
    switch dtype {
    case .float32: return Self.plusTransposed(self, other, Float.self)
    case .float64: return Self.plusTransposed(self, other, Double.self)
    default: return nil
    }
  }

  private static func plusTransposed<T: LayerScalar>(
    _ a: NDArray, _ b: NDArray, _: T.Type
  ) -> NDArray {
    let (rows, cols) = (a.shape[0], a.shape[1])
    var result = NDArray(dtype: a.dtype, shape: a.shape, storage: ArrayStorage(byteCount: a.count * a.dtype.itemSize))
    a.withUnsafeBufferPointer(of: T.self) { a in
      b.withUnsafeBufferPointer(of: T.self) { b in
        result.withUnsafeMutableBufferPointer(of: T.self) { out in
          Kernel.addTransposed(a, b, rows: rows, cols: cols, into: out)
        }
      }
    }
    return result
  }

  /// `np.isnan(self).any()` of a float array (false for other dtypes): the largest magnitude's
  /// bits (sign cleared) of each block of 4096 elements, an integer maximum the compiler
  /// vectorises, above the infinity's bits when the block holds a NaN.
  func containsNaN() -> Bool {
    switch dtype {
    case .float32: withUnsafeBufferPointer(of: Float.self) { Self.containsNaN($0) }
    case .float64: withUnsafeBufferPointer(of: Double.self) { Self.containsNaN($0) }
    default: false
    }
  }

  private static func containsNaN(_ values: UnsafeBufferPointer<Float>) -> Bool {
    values.withMemoryRebound(to: UInt32.self) { bits in
      for start in stride(from: 0, to: bits.count, by: 4096) {
        var largest: UInt32 = 0
        for k in start..<min(bits.count, start + 4096) { largest = max(largest, bits[k] & 0x7fff_ffff) }
        if largest > Float.infinity.bitPattern { return true }
      }
      return false
    }
  }

  private static func containsNaN(_ values: UnsafeBufferPointer<Double>) -> Bool {
    values.withMemoryRebound(to: UInt64.self) { bits in
      for start in stride(from: 0, to: bits.count, by: 4096) {
        var largest: UInt64 = 0
        for k in start..<min(bits.count, start + 4096) { largest = max(largest, bits[k] & 0x7fff_ffff_ffff_ffff) }
        if largest > Double.infinity.bitPattern { return true }
      }
      return false
    }
  }

  /// `self *= rate` in place (`T` is the Swift type of ``dtype``), split among the workers
  /// (`Kernel.forEachElementRange`; one rounding per element, so the same bits).
  mutating func scale<T: LayerScalar>(by rate: T) {
    withUnsafeMutableBufferPointer(of: T.self) { values in
      let pointer = UncheckedSendable(values)
      Kernel.forEachElementRange(count: values.count) { range in
        let values = pointer.value
        for k in range { values[k] *= rate }
      }
    }
  }

  /// `self * rate` in fresh memory, the bits of ``scale(by:)``: for an array whose memory
  /// another holder shares, where scaling in place would copy it first (two passes, not one).
  func scaled<T: LayerScalar>(by rate: T) -> NDArray {
    var result = NDArray(dtype: dtype, shape: shape, storage: ArrayStorage(byteCount: count * dtype.itemSize))
    withUnsafeBufferPointer(of: T.self) { values in
      result.withUnsafeMutableBufferPointer(of: T.self) { out in
        let pointers = UncheckedSendable((values, out))
        Kernel.forEachElementRange(count: values.count) { range in
          let (values, out) = pointers.value
          for k in range { out[k] = values[k] * rate }
        }
      }
    }
    return result
  }

  /// `np.all(self.T == other)` for 2-d arrays, `self` (R, C) and `other` (C, R), compared as
  /// float64 values (so −0.0 equals 0.0 and NaN equals nothing); stops at the first difference.
  func isTranspose(of other: NDArray) -> Bool {
    guard rank == 2, other.shape == [shape[1], shape[0]] else { return false }
    let (rows, columns) = (shape[0], shape[1])
    if dtype == other.dtype, dtype == .float32 { return Self.isTranspose(self, other, rows, columns, Float.self) }
    if dtype == other.dtype, dtype == .float64 { return Self.isTranspose(self, other, rows, columns, Double.self) }
    for r in 0..<rows {
      for c in 0..<columns where double(atFlat: r * columns + c) != other.double(atFlat: c * rows + r) {
        return false
      }
    }
    return true
  }

  private static func isTranspose<T: NDElement & BinaryFloatingPoint>(
    _ a: NDArray, _ b: NDArray, _ rows: Int, _ columns: Int, _: T.Type
  ) -> Bool {
    a.withUnsafeBufferPointer(of: T.self) { a in
      b.withUnsafeBufferPointer(of: T.self) { b in
        for r in 0..<rows {
          for c in 0..<columns where a[r * columns + c] != b[c * rows + r] { return false }
        }
        return true
      }
    }
  }
}
