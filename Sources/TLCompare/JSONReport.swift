import Foundation
import TLArray

/// A number in a JSON report: finite values as JSON numbers (exact for 64-bit integers), and
/// NaN and infinities, which JSON cannot spell, as the strings `"nan"`, `"inf"`, `"-inf"`.
///
/// Equality is by value, because JSON does not keep `1.0` apart from `1`: a report equals the
/// same report read back.
public enum JSONScalar: Codable, Sendable, Equatable {
  case bool(Bool)
  case int(Int64)
  case uint(UInt64)
  case double(Double)
  case special(String)

  /// Parses the text report's spelling of a value, so JSON and text show the same digits.
  init(reportText text: String) {
    if ["nan", "inf", "-inf"].contains(text) {
      self = .special(text)
    } else if text == "True" || text == "False" {
      self = .bool(text == "True")
    } else if let i = Int64(text) {
      self = .int(i)
    } else if let u = UInt64(text) {
      self = .uint(u)
    } else {
      self = .double(Double(text) ?? .nan)
    }
  }

  /// The value as a `Double` (NaN and infinities included), for readers of a decoded report.
  public var double: Double {
    switch self {
    case .bool(let b): b ? 1 : 0
    case .int(let i): Double(i)
    case .uint(let u): Double(u)
    case .double(let d): d
    case .special(let s): Double(s) ?? .nan
    }
  }

  public static func == (lhs: JSONScalar, rhs: JSONScalar) -> Bool {
    switch (lhs, rhs) {
    case (.bool(let a), .bool(let b)): a == b
    case (.special(let a), .special(let b)): a == b
    case (.int(let a), .int(let b)): a == b
    case (.uint(let a), .uint(let b)): a == b
    case (.double(let a), .double(let b)): a == b
    case (.int(let i), .uint(let u)), (.uint(let u), .int(let i)): UInt64(exactly: i) == u
    case (.int(let i), .double(let d)), (.double(let d), .int(let i)): Int64(exactly: d) == i
    case (.uint(let u), .double(let d)), (.double(let d), .uint(let u)): UInt64(exactly: d) == u
    default: false
    }
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if let b = try? container.decode(Bool.self) {
      self = .bool(b)
    } else if let i = try? container.decode(Int64.self) {
      self = .int(i)
    } else if let u = try? container.decode(UInt64.self) {
      self = .uint(u)
    } else if let d = try? container.decode(Double.self) {
      self = .double(d)
    } else {
      self = .special(try container.decode(String.self))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .bool(let b): try container.encode(b)
    case .int(let i): try container.encode(i)
    case .uint(let u): try container.encode(u)
    case .double(let d): try container.encode(d)
    case .special(let s): try container.encode(s)
    }
  }
}

/// One array's entry in the JSON report; keys absent where they do not apply to the status.
public struct ArrayReport: Codable, Sendable, Equatable {
  /// One mismatching element.
  public struct Mismatch: Codable, Sendable, Equatable {
    public var index: [Int]
    public var actual: JSONScalar
    public var expected: JSONScalar
  }

  /// A largest difference and where it is.
  public struct Extreme: Codable, Sendable, Equatable {
    public var value: JSONScalar
    public var index: [Int]?
  }

  public var name: String
  public var status: ArrayComparison.Status
  public var dtype: String?
  public var shape: [Int]?
  public var expectedDType: String?
  public var expectedShape: [Int]?
  public var mismatched: Int?
  public var total: Int?
  public var percent: Double?
  public var firstMismatches: [Mismatch]?
  public var maxAbsDiff: Extreme?
  public var maxRelDiff: Extreme?
  public var rtol: JSONScalar?
  public var atol: JSONScalar?
  public var equalNaN: Bool?
  public var checkDType: Bool?
  /// How the tolerance was set: `default: float32 arithmetic, sums of ~700 terms, scale 0.35`.
  public var toleranceBasis: String?
  /// For a missing array: the nearest output name without a reference.
  public var didYouMean: String?
  /// The values' own verdict (`pass` or `mismatch`), also under a dtype mismatch.
  public var valuesStatus: ArrayComparison.Status?
  /// For a failing array of a time layer: the first time step whose slice fails (docs/pipeline.md §7).
  public var step: Int?
  /// For a failing LSTM/GRU param gradient: the failing gate blocks, by the book's letters.
  public var gates: [String]?

  enum CodingKeys: String, CodingKey {
    case name, status, dtype, shape, mismatched, total, percent, rtol, atol, step, gates
    case checkDType = "check_dtype"
    case toleranceBasis = "tolerance_basis"
    case valuesStatus = "values_status"
    case didYouMean = "did_you_mean"
    case expectedDType = "expected_dtype"
    case expectedShape = "expected_shape"
    case firstMismatches = "first_mismatches"
    case maxAbsDiff = "max_abs_diff"
    case maxRelDiff = "max_rel_diff"
    case equalNaN = "equal_nan"
  }
}

/// The JSON report of a collection: every array, the counts and the exit status.
public struct CollectionReport: Codable, Sendable, Equatable {
  public var arrays: [ArrayReport]
  public var compared: Int
  public var passed: Int
  public var failed: Int
  public var unchecked: Int
  public var exitStatus: Int32
  /// True when the reference held no array, so nothing was checked (absent otherwise).
  public var nothingChecked: Bool?

  enum CodingKeys: String, CodingKey {
    case arrays, compared, passed, failed, unchecked
    case exitStatus = "exit_status"
    case nothingChecked = "nothing_checked"
  }
}
