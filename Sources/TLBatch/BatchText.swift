import Foundation
import TLArray
import TLCompare
import TLPipeline

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
