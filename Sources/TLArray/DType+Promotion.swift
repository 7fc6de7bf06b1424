extension DType {
  /// NumPy 2's result type of an operation between two arrays (`np.result_type(a, b)`).
  ///
  /// Integers meeting floats follow NumPy's table: the float must hold every value of the
  /// integer exactly, so `int32 ⊕ float32` is `float64` and `int8 ⊕ float16` stays `float16`.
  public static func promote(_ a: DType, _ b: DType) -> DType {
    if a == b { return a }
    if a == .bool { return b }
    if b == .bool { return a }
    switch (a.kind, b.kind) {
    case (.float, .float):
      return a.itemSize >= b.itemSize ? a : b
    case (.float, _):
      return promoteIntegerWithFloat(b, a)
    case (_, .float):
      return promoteIntegerWithFloat(a, b)
    case (.signed, .signed), (.unsigned, .unsigned):
      return a.itemSize >= b.itemSize ? a : b
    default:
      let (signed, unsigned) = a.kind == .signed ? (a, b) : (b, a)
      if signed.itemSize > unsigned.itemSize { return signed }
      switch unsigned {
      case .uint8: return .int16
      case .uint16: return .int32
      case .uint32: return .int64
      default: return .float64
      }
    }
  }

  /// The smallest float that holds every value of `integer`, promoted with `float`.
  private static func promoteIntegerWithFloat(_ integer: DType, _ float: DType) -> DType {
    let needed: DType
    switch integer.itemSize {
    case 1: needed = .float16
    case 2: needed = .float32
    default: needed = .float64
    }
    return needed.itemSize >= float.itemSize ? needed : float
  }
}
