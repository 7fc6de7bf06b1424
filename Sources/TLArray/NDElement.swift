/// A Swift scalar type that an ``NDArray`` stores unboxed, one per ``DType``.
public protocol NDElement: Sendable, Equatable {
  static var dtype: DType { get }
  static var zero: Self { get }
  /// The value, exactly, in a form every other element type can be cast from.
  var castValue: CastValue { get }
  /// NumPy's `astype` result for one value (C casts, as NumPy's x86-64 wheels do them).
  init(castValue: CastValue)
  /// Calls the method of `visitor` for this type's kind (``DType/acceptByKind(_:)``); the
  /// floats' and integers' come from extensions, Bool's is its own.
  static func acceptByKind<V: DTypeKindVisitor>(_ visitor: V) -> V.Result
}

/// One scalar of any dtype, held without loss (float16 and float32 are exact in a `Double`).
public enum CastValue: Sendable, Equatable {
  case bool(Bool)
  case int(Int64)
  case uint(UInt64)
  case float(Double)

  /// The value as a `Double` (rounded for integers beyond 2⁵³), for statistics and reports.
  @inlinable public var double: Double {
    switch self {
    case .bool(let b): b ? 1 : 0
    case .int(let i): Double(i)
    case .uint(let u): Double(u)
    case .float(let d): d
    }
  }

  /// Truncation toward zero as x86-64's `cvttsd2si` does it: NaN and out-of-range give the
  /// "integer indefinite" value `Int64.min` (NumPy warns "invalid value encountered in cast").
  @inlinable static func truncate64(_ d: Double) -> Int64 {
    guard d.isFinite, d >= -9.223_372_036_854_775_808e18, d < 9.223_372_036_854_775_808e18 else {
      return .min
    }
    return Int64(d.rounded(.towardZero))
  }

  /// The 32-bit form of the same instruction, which C uses for every narrower integer target.
  @inlinable static func truncate32(_ d: Double) -> Int32 {
    guard d.isFinite, d > -2_147_483_649, d < 2_147_483_648 else { return .min }
    return Int32(d.rounded(.towardZero))
  }

  /// The value as a signed integer of any width, wrapping like a C cast.
  @inlinable func integer<I: FixedWidthInteger>(_: I.Type) -> I {
    switch self {
    case .bool(let b): return b ? 1 : 0
    case .int(let i): return I(truncatingIfNeeded: i)
    case .uint(let u): return I(truncatingIfNeeded: u)
    case .float(let d):
      if I.bitWidth == 64 {
        if !I.isSigned, d >= 9.223_372_036_854_775_808e18, d < 1.844_674_407_370_955_161_6e19 {
          return I(truncatingIfNeeded: UInt64(d))
        }
        return I(truncatingIfNeeded: Self.truncate64(d))
      }
      if I.bitWidth == 32 && !I.isSigned { return I(truncatingIfNeeded: Self.truncate64(d)) }
      return I(truncatingIfNeeded: Self.truncate32(d))
    }
  }
}

extension Bool: NDElement {
  @inlinable public static var dtype: DType { .bool }
  @inlinable public static var zero: Bool { false }
  @inlinable public var castValue: CastValue { .bool(self) }
  @inlinable public init(castValue: CastValue) {
    switch castValue {
    case .bool(let b): self = b
    case .int(let i): self = i != 0
    case .uint(let u): self = u != 0
    case .float(let d): self = d != 0  // NaN is true, as in NumPy
    }
  }
}

extension Float: NDElement {
  @inlinable public static var dtype: DType { .float32 }
  @inlinable public var castValue: CastValue { .float(Double(self)) }
  @inlinable public init(castValue: CastValue) {
    switch castValue {
    case .bool(let b): self = b ? 1 : 0
    case .int(let i): self = Float(i)  // one rounding, not via Double
    case .uint(let u): self = Float(u)
    case .float(let d): self = Float(d)
    }
  }
}

extension Double: NDElement {
  @inlinable public static var dtype: DType { .float64 }
  @inlinable public var castValue: CastValue { .float(self) }
  @inlinable public init(castValue: CastValue) { self = castValue.double }
}

#if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
  extension Float16: NDElement {
    @inlinable public static var dtype: DType { .float16 }
    @inlinable public var castValue: CastValue { .float(Double(self)) }
    @inlinable public init(castValue: CastValue) {
      switch castValue {
      case .bool(let b): self = b ? 1 : 0
      // NumPy converts integers to half through float32.
      case .int(let i): self = Float16(Float(i))
      case .uint(let u): self = Float16(Float(u))
      case .float(let d): self = Float16(d)
      }
    }
  }
#endif
