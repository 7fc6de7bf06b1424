/// Casting between dtypes: the one conversion, with NumPy's `astype` results (C casts:
/// wrapping integers, truncating floats, NaN → true), through ``NDElement/castValue`` and
/// ``NDElement/init(castValue:)``. Every step is inlinable, so each (source, target) pair
/// compiles to its own unboxed loop in whichever module casts.
extension NDArray {
  /// The elements converted to `target`. Returns `self`, sharing storage, when no conversion
  /// is needed.
  @inlinable
  public func astype(_ target: DType) -> NDArray {
    if target == dtype { return self }
    return target.accept(CastInto(source: self))
  }

  /// The elements converted to `T`; `self`, sharing storage, when it already holds `T`.
  @inlinable
  public func astype<T: NDElement>(_: T.Type) -> NDArray {
    if dtype == T.dtype { return self }
    var result = NDArray(zeros: T.dtype, shape: shape)
    result.withUnsafeMutableBufferPointer(of: T.self) { cast(into: $0) }
    return result
  }

  /// Writes every element, converted to `T` as ``astype(_:)`` converts it, into
  /// `destination`, which holds ``count`` elements: for memory the caller owns.
  @inlinable
  public func cast<T: NDElement>(into destination: UnsafeMutableBufferPointer<T>) {
    precondition(destination.count == count, "casting \(count) elements into \(destination.count)")
    dtype.accept(CastElements(source: self, destination: destination))
  }
}

/// The target half of ``NDArray/astype(_:)``: a fresh array of the target's type.
@usableFromInline
struct CastInto: DTypeVisitor {
  @usableFromInline let source: NDArray

  @inlinable init(source: NDArray) { self.source = source }

  @inlinable
  func visit<D: NDElement>(_: D.Type) -> NDArray { source.astype(D.self) }
}

/// The source half: one loop from the source's Swift type into `destination`.
@usableFromInline
struct CastElements<D: NDElement>: DTypeVisitor {
  @usableFromInline let source: NDArray
  @usableFromInline let destination: UnsafeMutableBufferPointer<D>

  @inlinable init(source: NDArray, destination: UnsafeMutableBufferPointer<D>) {
    self.source = source
    self.destination = destination
  }

  @inlinable
  func visit<S: NDElement>(_: S.Type) {
    source.withUnsafeBufferPointer(of: S.self) { input in
      for i in input.indices { destination[i] = D(castValue: input[i].castValue) }
    }
  }
}
