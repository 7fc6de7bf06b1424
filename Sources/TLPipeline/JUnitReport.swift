import Foundation

/// A batch report as JUnit XML (`--junit FILE.xml`), the dialect Jenkins, GitLab and GitHub
/// test reporters read: one `<testsuite>` for the pipeline, one `<testcase>` per case, a
/// `<failure>` for a mismatch and an `<error>` for a case that could not run.
public enum JUnitReport {
  public static func xml(_ report: BatchReport) -> String {
    let s = report.summary
    let suite = attributes([
      ("name", report.pipeline), ("tests", "\(s.cases)"), ("failures", "\(s.mismatched)"),
      ("errors", "\(s.errors)"), ("skipped", "0"), ("time", seconds(s.wallSeconds)),
    ])
    var lines = [
      #"<?xml version="1.0" encoding="UTF-8"?>"#,
      "<testsuites\(suite)>",
      "  <testsuite\(suite)>",
    ]
    for entry in report.cases { lines += testcase(entry, classname: report.pipeline) }
    lines += ["  </testsuite>", "</testsuites>", ""]
    return lines.joined(separator: "\n")
  }

  private static func testcase(_ entry: BatchCaseReport, classname: String) -> [String] {
    let head =
      "    <testcase\(attributes([("classname", classname), ("name", entry.name), ("time", seconds(entry.seconds))]))"
    switch entry.status {
    case .pass:
      return [head + "/>"]
    case .mismatch:
      let details = entry.failingArrays.map(\.failureText).joined(separator: "\n")
      let message = entry.failureSummary ?? "mismatch"
      return [
        head + ">",
        "      <failure\(attributes([("type", "mismatch"), ("message", message)]))>\(escape(details, attribute: false))</failure>",
        "    </testcase>",
      ]
    case .error:
      let message = entry.run.message ?? "error"
      return [
        head + ">",
        "      <error\(attributes([("type", "error"), ("message", message)]))>\(escape(message, attribute: false))</error>",
        "    </testcase>",
      ]
    }
  }

  private static func attributes(_ pairs: [(String, String)]) -> String {
    pairs.map { " \($0.0)=\"\(escape($0.1, attribute: true))\"" }.joined()
  }

  private static func seconds(_ value: Double) -> String { String(format: "%.6f", value) }

  /// Text made safe for XML 1.0: the five markup characters as entities, line breaks and tabs
  /// in attributes as character references (so parsers keep them), and characters XML 1.0
  /// forbids (other control characters, lone surrogates cannot occur in a Swift string) as U+FFFD.
  static func escape(_ text: String, attribute: Bool) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += attribute ? "&quot;" : "\""
      case "'": result += attribute ? "&apos;" : "'"
      case "\n", "\r", "\t":
        result += attribute ? "&#\(scalar.value);" : String(scalar)
      case "\u{0}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}":
        result += "\u{FFFD}"
      default:
        result.unicodeScalars.append(scalar)
      }
    }
    return result
  }
}
