import TLArray

/// Fast typed dtype conversion for layer inputs: one specialised loop per (source, target)
/// pair instead of ``NDArray/astype(_:)``'s per-element boxing.
extension NDArray {
  /// This array converted to `T` with NumPy's `astype` values; shares storage when already `T`.
  @inlinable
  package func floating<T: LayerScalar>(_: T.Type) -> NDArray {
    if dtype == T.dtype { return self }
    var out = NDArray(zeros: T.dtype, shape: shape)
    out.withUnsafeMutableBufferPointer(of: T.self) { dst in convertElements(into: dst) }
    return out
  }

  /// This array converted to the float dtype `target` (float32 or float64).
  @usableFromInline package func floating(_ target: DType) -> NDArray {
    target.byFloat(float: { floating(Float.self) }, double: { floating(Double.self) })
  }

  /// Writes every element, converted to `T`, into `dst` (which has ``count`` elements).
  /// A table from the source dtype to its Swift type; each arm is a specialised loop.
  @inlinable
  package func convertElements<T: LayerScalar>(into dst: UnsafeMutableBufferPointer<T>) {
    precondition(dst.count == count, "converting \(count) elements into \(dst.count)")
    switch dtype {
    case .float32: copyFloats(Float.self, into: dst)
    case .float64: copyFloats(Double.self, into: dst)
    case .int8: copyIntegers(Int8.self, into: dst)
    case .int16: copyIntegers(Int16.self, into: dst)
    case .int32: copyIntegers(Int32.self, into: dst)
    case .int64: copyIntegers(Int64.self, into: dst)
    case .uint8: copyIntegers(UInt8.self, into: dst)
    case .uint16: copyIntegers(UInt16.self, into: dst)
    case .uint32: copyIntegers(UInt32.self, into: dst)
    case .uint64: copyIntegers(UInt64.self, into: dst)
    case .bool:
      withUnsafeBufferPointer(of: Bool.self) { src in
        for i in src.indices { dst[i] = src[i] ? 1 : 0 }
      }
    case .float16:
      // Rare (layers reject float16 compute); the exact boxed cast is good enough here.
      astype(T.dtype).withUnsafeBufferPointer(of: T.self) { src in
        for i in src.indices { dst[i] = src[i] }
      }
    }
  }

  @inlinable
  func copyFloats<S: LayerScalar, T: LayerScalar>(
    _: S.Type, into dst: UnsafeMutableBufferPointer<T>
  ) {
    withUnsafeBufferPointer(of: S.self) { src in
      for i in src.indices { dst[i] = T(src[i]) }
    }
  }

  @inlinable
  func copyIntegers<S: NDElement & BinaryInteger, T: LayerScalar>(
    _: S.Type, into dst: UnsafeMutableBufferPointer<T>
  ) {
    withUnsafeBufferPointer(of: S.self) { src in
      for i in src.indices { dst[i] = T(src[i]) }  // correctly rounded, as NumPy's C cast
    }
  }
}
