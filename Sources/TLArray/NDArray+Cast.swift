extension NDArray {
  /// The elements converted to `target`, with NumPy's `astype` results (C casts: wrapping
  /// integers, truncating floats, NaN → true). Returns `self`, sharing storage, when no
  /// conversion is needed.
  public func astype(_ target: DType) -> NDArray {
    if target == dtype { return self }
    return target.accept(CastInto(source: self))
  }
}

private struct CastInto: DTypeVisitor {
  let source: NDArray
  func visit<D: NDElement>(_: D.Type) -> NDArray {
    var result = NDArray(zeros: D.dtype, shape: source.shape)
    result.withUnsafeMutableBufferPointer(of: D.self) { out in
      source.dtype.accept(CastFrom(out: out, source: source))
    }
    return result
  }
}

private struct CastFrom<D: NDElement>: DTypeVisitor {
  let out: UnsafeMutableBufferPointer<D>
  let source: NDArray
  func visit<S: NDElement>(_: S.Type) {
    source.withUnsafeBufferPointer(of: S.self) { input in
      for i in input.indices { out[i] = D(castValue: input[i].castValue) }
    }
  }
}
