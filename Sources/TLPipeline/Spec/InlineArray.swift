import TLArray

/// Turns a pipeline's inline arrays and scalars into ``NDArray``s, as `np.array` would:
/// nested lists give the shape; without a `dtype`, integers give int64, any fraction float64,
/// and booleans bool.
enum InlineArray {
  static func make(data: JSONValue, dtype: DType?, file: String, path: String) throws(PipelineError) -> NDArray {
    var shape: [Int] = []
    var leaves: [JSONValue] = []
    try collect(data, depth: 0, shape: &shape, leaves: &leaves, file: file, path: path)
    let inferred = dtype ?? inferDType(leaves)
    var values: [CastValue] = []
    values.reserveCapacity(leaves.count)
    for leaf in leaves {
      guard let value = castValue(leaf, as: inferred) else {
        throw PipelineError(file: file, path: path, "\(describe(leaf)) is not a valid \(inferred) value")
      }
      values.append(value)
    }
    return inferred.accept(Builder(shape: shape, values: values))
  }

  /// Walks nested lists, checking that they are rectangular.
  private static func collect(
    _ value: JSONValue, depth: Int, shape: inout [Int], leaves: inout [JSONValue], file: String, path: String
  ) throws(PipelineError) {
    switch value {
    case .array(let elements):
      if depth == shape.count {
        guard leaves.isEmpty else { throw ragged(file, path) }
        shape.append(elements.count)
      } else if depth > shape.count || shape[depth] != elements.count {
        throw ragged(file, path)
      }
      for element in elements {
        try collect(element, depth: depth + 1, shape: &shape, leaves: &leaves, file: file, path: path)
      }
    case .number, .bool:
      guard depth == shape.count else { throw ragged(file, path) }
      leaves.append(value)
    default:
      throw PipelineError(
        file: file, path: path, "array data holds \(value.kindName); only numbers and booleans are allowed")
    }
  }

  private static func ragged(_ file: String, _ path: String) -> PipelineError {
    PipelineError(file: file, path: path, "array data is ragged (nested lists of unequal lengths or depths)")
  }

  private static func inferDType(_ leaves: [JSONValue]) -> DType {
    if !leaves.isEmpty && leaves.allSatisfy({ if case .bool = $0 { true } else { false } }) { return .bool }
    let integral = leaves.allSatisfy { leaf in
      if case .bool = leaf { return true }
      return leaf.isIntegerLiteral
    }
    if !leaves.isEmpty && integral { return .int64 }
    return .float64
  }

  private static func castValue(_ leaf: JSONValue, as dtype: DType) -> CastValue? {
    switch leaf {
    case .bool(let flag): return .bool(flag)
    case .number(let text):
      if leaf.isIntegerLiteral, dtype.isInteger || dtype == .bool {
        if dtype.kind == .unsigned, let u = UInt64(text) { return fits(.uint(u), dtype) }
        if let i = Int64(text) { return fits(.int(i), dtype) }
        return nil
      }
      guard let d = Double(text) else { return nil }
      if dtype.isFloatingPoint { return .float(d) }
      return d == d.rounded(.towardZero) ? fits(.float(d), dtype) : nil
    default: return nil
    }
  }

  /// The value if `dtype` holds it exactly: inline data never wraps silently.
  private static func fits(_ value: CastValue, _ dtype: DType) -> CastValue? {
    dtype.accept(RoundTrip(value: value)) ? value : nil
  }

  private static func describe(_ leaf: JSONValue) -> String {
    switch leaf {
    case .number(let text): text
    case .bool(let flag): flag ? "true" : "false"
    default: leaf.kindName
    }
  }

  /// Whether `T` holds `value` exactly (compared as integers where both sides are integers).
  private struct RoundTrip: DTypeVisitor {
    let value: CastValue
    func visit<T: NDElement>(_: T.Type) -> Bool {
      let back = T(castValue: value).castValue
      switch (value, back) {
      case (.int(let a), .int(let b)): return a == b
      case (.int(let a), .uint(let b)): return a >= 0 && UInt64(a) == b
      case (.uint(let a), .uint(let b)): return a == b
      case (.uint(let a), .int(let b)): return b >= 0 && UInt64(b) == a
      case (.int, .bool), (.uint, .bool): return value.double == back.double
      default: return back.double == value.double
      }
    }
  }

  private struct Builder: DTypeVisitor {
    let shape: [Int]
    let values: [CastValue]
    func visit<T: NDElement>(_: T.Type) -> NDArray {
      NDArray(shape: shape, scalars: values.map { T(castValue: $0) })
    }
  }
}
