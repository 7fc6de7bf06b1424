// Integer element types: C-cast semantics for every conversion (wrapping, truncation).

extension Int8: NDElement {
  @inlinable public static var dtype: DType { .int8 }
  @inlinable public var castValue: CastValue { .int(Int64(self)) }
  @inlinable public init(castValue: CastValue) { self = castValue.integer(Int8.self) }
}

extension Int16: NDElement {
  @inlinable public static var dtype: DType { .int16 }
  @inlinable public var castValue: CastValue { .int(Int64(self)) }
  @inlinable public init(castValue: CastValue) { self = castValue.integer(Int16.self) }
}

extension Int32: NDElement {
  @inlinable public static var dtype: DType { .int32 }
  @inlinable public var castValue: CastValue { .int(Int64(self)) }
  @inlinable public init(castValue: CastValue) { self = castValue.integer(Int32.self) }
}

extension Int64: NDElement {
  @inlinable public static var dtype: DType { .int64 }
  @inlinable public var castValue: CastValue { .int(Int64(self)) }
  @inlinable public init(castValue: CastValue) { self = castValue.integer(Int64.self) }
}

extension UInt8: NDElement {
  @inlinable public static var dtype: DType { .uint8 }
  @inlinable public var castValue: CastValue { .uint(UInt64(self)) }
  @inlinable public init(castValue: CastValue) { self = castValue.integer(UInt8.self) }
}

extension UInt16: NDElement {
  @inlinable public static var dtype: DType { .uint16 }
  @inlinable public var castValue: CastValue { .uint(UInt64(self)) }
  @inlinable public init(castValue: CastValue) { self = castValue.integer(UInt16.self) }
}

extension UInt32: NDElement {
  @inlinable public static var dtype: DType { .uint32 }
  @inlinable public var castValue: CastValue { .uint(UInt64(self)) }
  @inlinable public init(castValue: CastValue) { self = castValue.integer(UInt32.self) }
}

extension UInt64: NDElement {
  @inlinable public static var dtype: DType { .uint64 }
  @inlinable public var castValue: CastValue { .uint(UInt64(self)) }
  @inlinable public init(castValue: CastValue) { self = castValue.integer(UInt64.self) }
}
