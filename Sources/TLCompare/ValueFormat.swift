import Foundation
import TLArray

/// Prints values the way NumPy's `repr` does: the shortest decimal that reads back to the same
/// value in the array's own dtype, so two values that differ always print differently.
enum ValueFormat {
  /// One element of an array of `dtype`: `0.84167`, `-0.0`, `nan`, `-inf`, `9007199254740993`, `True`.
  static func string(_ value: CastValue, dtype: DType?) -> String {
    switch value {
    case .bool(let b): b ? "True" : "False"
    case .int(let i): String(i)
    case .uint(let u): String(u)
    case .float(let d): float(d, dtype: dtype)
    }
  }

  /// A difference computed for an array of `dtype`: in that float type, or as an integer.
  /// No difference at all prints as `0`, whatever the dtype.
  static func difference(_ value: Double, dtype: DType?) -> String {
    if value == 0 { return "0" }
    if let dtype, !dtype.isFloatingPoint, value.isFinite, value == value.rounded(),
      let integer = Int64(exactly: value)
    {
      return String(integer)
    }
    return float(value, dtype: dtype)
  }

  /// `value`, which is exact in `dtype` when that is a float dtype, in that dtype's shortest form.
  static func float(_ value: Double, dtype: DType?) -> String {
    switch dtype {
    case .float16?: Float16(value).description
    case .float32?: Float(value).description
    default: value.description
    }
  }

  /// A tolerance or scale in three significant digits: `0.0123`, `7.4e-05`.
  static func shortest(_ value: Double) -> String {
    String(format: "%.3g", value)
  }

  /// NumPy's spelling of a multi-index in `assert_allclose` reports: `[1, 2]`, `[]` for 0-d.
  static func index(_ index: [Int]) -> String {
    "[" + index.map(String.init).joined(separator: ", ") + "]"
  }
}
