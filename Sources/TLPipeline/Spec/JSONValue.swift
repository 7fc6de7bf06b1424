/// A parsed JSON value that keeps what pipeline decoding needs and Foundation drops: the
/// literal text of numbers (so `1` and `1.0` and 2⁶³−1 stay distinct and exact) and the order
/// of object keys (so duplicates are caught, not silently merged).
public indirect enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  /// A number, as written.
  case number(String)
  case string(String)
  case array([JSONValue])
  case object([(key: String, value: JSONValue)])

  public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): true
    case (.bool(let a), .bool(let b)): a == b
    case (.number(let a), .number(let b)): a == b
    case (.string(let a), .string(let b)): a == b
    case (.array(let a), .array(let b)): a == b
    case (.object(let a), .object(let b)):
      a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    default: false
    }
  }

  /// What kind of value this is, for "expected X, got Y" messages.
  public var kindName: String {
    switch self {
    case .null: "null"
    case .bool: "a boolean"
    case .number: "a number"
    case .string: "a string"
    case .array: "a list"
    case .object: "an object"
    }
  }

  /// A number without fraction or exponent, so it may be an integer.
  public var isIntegerLiteral: Bool {
    if case .number(let text) = self { return !text.contains(where: { ".eE".contains($0) }) }
    return false
  }
}
