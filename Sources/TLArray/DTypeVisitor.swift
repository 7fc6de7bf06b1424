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

/// A visitor whose code needs the element's arithmetic, not only its storage: a comparison in
/// the array's own float type, integer ids. ``DType/acceptByKind(_:)`` calls the method of the
/// dtype's kind with the Swift type that stores it, bound to that kind's protocol. It goes
/// through ``DType/accept(_:)`` (still the one switch) and the element type's own
/// ``NDElement/acceptByKind(_:)``, all inlinable, so each method runs specialised.
public protocol DTypeKindVisitor {
  associatedtype Result
  /// float16, float32, float64.
  func visitFloat<T: NDElement & BinaryFloatingPoint>(_ type: T.Type) -> Result
  /// The signed and unsigned integers.
  func visitInteger<T: NDElement & FixedWidthInteger>(_ type: T.Type) -> Result
  /// bool.
  func visitBool() -> Result
}

extension DType {
  /// Calls the method of `visitor` for this dtype's kind with the Swift type that stores it.
  @inlinable
  public func acceptByKind<V: DTypeKindVisitor>(_ visitor: V) -> V.Result {
    accept(KindDispatch(visitor: visitor))
  }
}

/// ``DType/acceptByKind(_:)`` as a ``DTypeVisitor``: the element type picks the kind.
@usableFromInline
struct KindDispatch<V: DTypeKindVisitor>: DTypeVisitor {
  @usableFromInline let visitor: V

  @inlinable init(visitor: V) { self.visitor = visitor }

  @inlinable
  func visit<T: NDElement>(_: T.Type) -> V.Result { T.acceptByKind(visitor) }
}

extension NDElement where Self: BinaryFloatingPoint {
  @inlinable
  public static func acceptByKind<V: DTypeKindVisitor>(_ visitor: V) -> V.Result { visitor.visitFloat(Self.self) }
}

extension NDElement where Self: FixedWidthInteger {
  @inlinable
  public static func acceptByKind<V: DTypeKindVisitor>(_ visitor: V) -> V.Result { visitor.visitInteger(Self.self) }
}

extension Bool {
  @inlinable
  public static func acceptByKind<V: DTypeKindVisitor>(_ visitor: V) -> V.Result { visitor.visitBool() }
}
