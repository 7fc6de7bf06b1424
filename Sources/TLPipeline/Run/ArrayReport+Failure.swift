import Foundation
import TLArray
import TLCompare

/// How a failing array is told in one line (a run's message, a batch's case line) and in a CI
/// report's body.
extension ArrayReport {
  /// The share of elements wrong, 1 for shape, dtype and missing failures.
  public var severity: Double {
    status == .mismatch ? (percent ?? 100) / 100 : 1
  }

  /// One line saying how this array failed, after NumPy's `assert_allclose` wording.
  public var failureText: String {
    switch status {
    case .mismatch:
      var text =
        "\(name): Mismatched elements: \(mismatched ?? 0) / \(total ?? 0) (\(String(format: "%.3g", percent ?? 0))%)"
      if let extreme = maxAbsDiff {
        text += ", max abs diff \(extreme.value.text)" + (extreme.index.map { " at \($0)" } ?? "")
      }
      return text
    case .shapeMismatch:
      return "\(name): shape mismatch: actual \(side(dtype, shape)), expected \(side(expectedDType, expectedShape))"
    case .dtypeMismatch:
      return "\(name): dtype mismatch: actual \(dtype ?? "?"), expected \(expectedDType ?? "?")"
    case .missing:
      let hint = didYouMean.map { "; did you mean \"\($0)\"?" } ?? ""
      return "\(name): missing: in the reference, not in the output\(hint)"
    case .pass, .unchecked:
      return "\(name): \(status.rawValue)"
    }
  }

  /// ``failureText``, then the array's dtypes and shape, the tolerance that judged it and how it
  /// was set, and its first mismatching elements: a CI report's body.
  public var detailLines: [String] {
    var lines = [failureText]
    let dtypes =
      dtype == expectedDType || dtype == nil
      ? (expectedDType ?? "?") : "actual \(dtype ?? "?"), expected \(expectedDType ?? "?")"
    lines.append("  dtype \(dtypes); shape \((expectedShape ?? shape).map(Shape.describe) ?? "?")")
    if let rtol, let atol {
      lines.append("  tolerance: rtol \(rtol.text) atol \(atol.text)" + (toleranceBasis.map { " (\($0))" } ?? ""))
    }
    for element in firstMismatches ?? [] {
      lines.append(
        "  [\(element.index.map(String.init).joined(separator: ", "))]: actual \(element.actual.text) expected \(element.expected.text)"
      )
    }
    if let maxRel = maxRelDiff {
      lines.append("  max rel diff \(maxRel.value.text)" + (maxRel.index.map { " at \($0)" } ?? ""))
    }
    return lines
  }

  private func side(_ dtype: String?, _ shape: [Int]?) -> String {
    [dtype, shape.map(Shape.describe)].compactMap { $0 }.joined(separator: " ")
  }
}

extension JSONScalar {
  /// The value as the text report spells it.
  var text: String {
    switch self {
    case .bool(let b): b ? "True" : "False"
    case .int(let i): "\(i)"
    case .uint(let u): "\(u)"
    case .double(let d): "\(d)"
    case .special(let s): s
    }
  }
}
