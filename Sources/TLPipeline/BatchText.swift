import Foundation
import TLArray
import TLCompare

extension BatchCaseReport {
  /// `case_7  mismatch  0.4 ms  affine.dW: Mismatched elements: 1 / 15 (6.67%), max abs diff 0.5 at [1, 2]`;
  /// names padded to `nameWidth` so the lines of a batch line up.
  public func line(nameWidth: Int = 0) -> String {
    let name = self.name.padding(toLength: max(nameWidth, self.name.count), withPad: " ", startingAt: 0)
    let head =
      "\(name)  \(status.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0))  \(BatchCaseReport.duration(seconds))"
    // Case names come from directory names, messages quote files: shown escaped.
    return TerminalText.escaped(failureSummary.map { "\(head)  \($0)" } ?? head)
  }

  /// For an error its message; for a mismatch the worst array (and how many others failed).
  public var failureSummary: String? {
    switch status {
    case .pass: return nil
    case .error: return run.message ?? "error"
    case .mismatch:
      let failing = failingArrays
      guard let worst = failing.first else { return run.message ?? "mismatch" }
      let others = failing.count - 1
      return worst.failureText + (others > 0 ? " (+\(others) more failing array\(others == 1 ? "" : "s"))" : "")
    }
  }

  /// The arrays that failed, worst first: shape, dtype and missing failures count as every
  /// element wrong; value mismatches rank by the share of elements out of tolerance.
  public var failingArrays: [ArrayReport] {
    let failing = (run.comparison?.arrays ?? []).filter { $0.status.isFailure }
    return failing.enumerated().sorted { a, b in
      let (x, y) = (a.element.severity, b.element.severity)
      return x != y ? x > y : a.offset < b.offset
    }.map(\.element)
  }

  /// `0.42 ms`, `1.3 s`.
  static func duration(_ seconds: Double) -> String {
    seconds < 1 ? String(format: "%.2f ms", seconds * 1000) : String(format: "%.2f s", seconds)
  }
}

extension ArrayReport {
  /// The share of elements wrong, 1 for shape, dtype and missing failures.
  var severity: Double {
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

extension BatchReport {
  /// `7 cases: 5 passed, 1 mismatched, 1 error in 0.05 s`, led by the shard when there is one.
  public func summaryLine(shardSource: String? = nil) -> String {
    let s = summary
    var line =
      "\(s.cases) case\(s.cases == 1 ? "" : "s"): \(s.passed) passed, \(s.mismatched) mismatched, "
      + "\(s.errors) error\(s.errors == 1 ? "" : "s") in \(BatchCaseReport.duration(s.wallSeconds))"
    if let shard {
      line = "shard \(shard)\(shardSource.map { " (\($0))" } ?? ""): " + line
    }
    return line
  }
}
