import TLArray

/// The glue of pipeline.md §6.1 and its exact backward, on float32/float64 arrays, as the
/// book's models compute it with NumPy.
public enum Glue {
  /// `a + b` with NumPy's promotion (float32 + float64 is float64); equal shapes.
  public static func add(_ a: NDArray, _ b: NDArray) -> NDArray {
    let dtype = DType.promote(a.dtype, b.dtype)
    let (x, y) = (a.dtype == dtype ? a : a.astype(dtype), b.dtype == dtype ? b : b.astype(dtype))
    var result = NDArray(zeros: dtype, shape: a.shape)
    func run<T: NDElement & BinaryFloatingPoint>(_: T.Type) {
      x.withUnsafeBufferPointer(of: T.self) { l in
        y.withUnsafeBufferPointer(of: T.self) { r in
          result.withUnsafeMutableBufferPointer(of: T.self) { out in
            for i in 0..<out.count { out[i] = l[i] + r[i] }
          }
        }
      }
    }
    if dtype == .float32 { run(Float.self) } else { run(Double.self) }
    return result
  }

  /// The book's Peeky repeat: h (N, H) → `np.repeat(h, T, axis=0).reshape(N, T, H)`.
  public static func repeatOverTime(_ h: NDArray, t: Int) -> NDArray {
    let (n, row) = (h.shape[0], Shape.count(Array(h.shape.dropFirst())) * h.dtype.itemSize)
    var result = NDArray(zeros: h.dtype, shape: [n, t] + h.shape.dropFirst())
    h.withUnsafeBytes { source in
      result.withUnsafeMutableBytes { target in
        guard let from = source.baseAddress, let to = target.baseAddress else { return }
        for i in 0..<n {
          for s in 0..<t { (to + (i * t + s) * row).copyMemory(from: from + i * row, byteCount: row) }
        }
      }
    }
    return result
  }

  /// The backward of ``repeatOverTime(_:t:)``: `np.sum(dhs, axis=1)` of dhs (N, T, H), in dhs'
  /// dtype. NumPy reduces a non-last axis step by step (t = 0, 1, …), not pairwise.
  public static func sumOverTime(_ dhs: NDArray) -> NDArray {
    let (n, t) = (dhs.shape[0], dhs.shape[1])
    let h = Shape.count(Array(dhs.shape.dropFirst(2)))
    var result = NDArray(zeros: dhs.dtype, shape: [n] + dhs.shape.dropFirst(2))
    func run<T: NDElement & BinaryFloatingPoint>(_: T.Type) {
      dhs.withUnsafeBufferPointer(of: T.self) { source in
        result.withUnsafeMutableBufferPointer(of: T.self) { out in
          for i in 0..<n {
            for j in 0..<h { out[i * h + j] = source[i * t * h + j] }
            for s in 1..<max(t, 1) {
              for j in 0..<h { out[i * h + j] += source[(i * t + s) * h + j] }
            }
          }
        }
      }
    }
    if dhs.dtype == .float32 { run(Float.self) } else { run(Double.self) }
    return result
  }

  /// `np.concatenate(parts, axis=-1)` in the listed order; every part has the same leading
  /// shape and (NumPy's promotion) the result the widest dtype.
  public static func concatenate(_ parts: [NDArray]) -> NDArray {
    let dtype = parts.dropFirst().reduce(parts[0].dtype) { DType.promote($0, $1.dtype) }
    let cast = parts.map { $0.dtype == dtype ? $0 : $0.astype(dtype) }
    let lead = Array(parts[0].shape.dropLast())
    let widths = cast.map { ($0.shape.last ?? 1) * dtype.itemSize }
    let rowWidth = widths.reduce(0, +)
    let rows = Shape.count(lead)
    var result = NDArray(zeros: dtype, shape: lead + [rowWidth / dtype.itemSize])
    result.withUnsafeMutableBytes { target in
      guard let to = target.baseAddress else { return }
      var offset = 0
      for (part, width) in zip(cast, widths) {
        part.withUnsafeBytes { source in
          guard let from = source.baseAddress else { return }
          for r in 0..<rows { (to + r * rowWidth + offset).copyMemory(from: from + r * width, byteCount: width) }
        }
        offset += width
      }
    }
    return result
  }

  /// The backward of ``concatenate(_:)`` (and the forward of `split`): the parts of the last
  /// axis of `array` with the given sizes, in order, each C-ordered.
  public static func split(_ array: NDArray, sizes: [Int]) -> [NDArray] {
    let lead = Array(array.shape.dropLast())
    let rows = Shape.count(lead)
    let item = array.dtype.itemSize
    let rowWidth = (array.shape.last ?? 1) * item
    var offset = 0
    return sizes.map { size in
      var part = NDArray(zeros: array.dtype, shape: lead + [size])
      array.withUnsafeBytes { source in
        part.withUnsafeMutableBytes { target in
          guard let from = source.baseAddress, let to = target.baseAddress else { return }
          for r in 0..<rows {
            (to + r * size * item).copyMemory(from: from + r * rowWidth + offset, byteCount: size * item)
          }
        }
      }
      offset += size * item
      return part
    }
  }

  /// `W.T` of a 2-d array (TLArray's `NDArray.transposed()`); other ranks unchanged.
  public static func transposed(_ array: NDArray) -> NDArray { array.transposed() }

}
