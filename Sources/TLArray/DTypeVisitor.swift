/// Runs generic code with the Swift element type of a runtime ``DType``: the one place that
/// maps dtypes to types, so no other code needs a twelve-way switch.
public protocol DTypeVisitor {
  associatedtype Result
  func visit<T: NDElement>(_ type: T.Type) -> Result
}

extension DType {
  /// Calls `visitor` with the Swift type that stores this dtype. Inlinable, so a visitor in
  /// another module is specialised for each type: its loops run unboxed.
  @inlinable
  public func accept<V: DTypeVisitor>(_ visitor: V) -> V.Result {
    switch self {
    case .bool: visitor.visit(Bool.self)
    case .int8: visitor.visit(Int8.self)
    case .int16: visitor.visit(Int16.self)
    case .int32: visitor.visit(Int32.self)
    case .int64: visitor.visit(Int64.self)
    case .uint8: visitor.visit(UInt8.self)
    case .uint16: visitor.visit(UInt16.self)
    case .uint32: visitor.visit(UInt32.self)
    case .uint64: visitor.visit(UInt64.self)
    case .float16: visitor.visit(Float16.self)
    case .float32: visitor.visit(Float.self)
    case .float64: visitor.visit(Double.self)
    }
  }
}
