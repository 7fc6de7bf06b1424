// Integer element types: C-cast semantics for every conversion (wrapping, truncation).

extension Int8: NDElement {
  public static var dtype: DType { .int8 }
  public var castValue: CastValue { .int(Int64(self)) }
  public init(castValue: CastValue) { self = castValue.integer(Int8.self) }
}

extension Int16: NDElement {
  public static var dtype: DType { .int16 }
  public var castValue: CastValue { .int(Int64(self)) }
  public init(castValue: CastValue) { self = castValue.integer(Int16.self) }
}

extension Int32: NDElement {
  public static var dtype: DType { .int32 }
  public var castValue: CastValue { .int(Int64(self)) }
  public init(castValue: CastValue) { self = castValue.integer(Int32.self) }
}

extension Int64: NDElement {
  public static var dtype: DType { .int64 }
  public var castValue: CastValue { .int(Int64(self)) }
  public init(castValue: CastValue) { self = castValue.integer(Int64.self) }
}

extension UInt8: NDElement {
  public static var dtype: DType { .uint8 }
  public var castValue: CastValue { .uint(UInt64(self)) }
  public init(castValue: CastValue) { self = castValue.integer(UInt8.self) }
}

extension UInt16: NDElement {
  public static var dtype: DType { .uint16 }
  public var castValue: CastValue { .uint(UInt64(self)) }
  public init(castValue: CastValue) { self = castValue.integer(UInt16.self) }
}

extension UInt32: NDElement {
  public static var dtype: DType { .uint32 }
  public var castValue: CastValue { .uint(UInt64(self)) }
  public init(castValue: CastValue) { self = castValue.integer(UInt32.self) }
}

extension UInt64: NDElement {
  public static var dtype: DType { .uint64 }
  public var castValue: CastValue { .uint(UInt64(self)) }
  public init(castValue: CastValue) { self = castValue.integer(UInt64.self) }
}
