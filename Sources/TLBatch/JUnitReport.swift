import Foundation
import TLPipeline
import TLReportHTML

/// A batch report as JUnit XML (`--junit FILE.xml`), the dialect Jenkins, GitLab and GitHub
/// test reporters read: one `<testsuite>` for the pipeline, one `<testcase>` per case, a
/// `<failure>` for a mismatch and an `<error>` for a case that could not run.
public enum JUnitReport {
  /// The `--html` page a failure's text points to: the file, and the cases with a section
  /// there (the others are linked to the page's table of cases).
  public struct PageLink: Sendable {
    public var file: String
    public var sections: Set<String>

    public init(file: String, sections: Set<String>) {
      self.file = file
      self.sections = sections
    }

    /// `report.html#case-case_5f_7`, or `report.html#cases` for a case without a section.
    func target(_ name: String) -> String {
      file + "#" + (sections.contains(name) ? HTMLPage.anchor(forCase: name) : "cases")
    }
  }

  /// The XML; with `page`, each failure's message and text end with where its pictures are.
  public static func xml(_ report: BatchReport, page: PageLink? = nil) -> String {
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
    for entry in report.cases {
      lines += testcase(entry, classname: report.pipeline, pipelineFile: report.pipelineFile, page: page)
    }
    lines += ["  </testsuite>", "</testsuites>", ""]
    return lines.joined(separator: "\n")
  }

  private static func testcase(
    _ entry: BatchCaseReport, classname: String, pipelineFile: String, page: PageLink?
  ) -> [String] {
    let head =
      "    <testcase\(attributes([("classname", classname), ("name", entry.name), ("time", seconds(entry.seconds))]))"
    switch entry.status {
    case .pass:
      return [head + "/>"]
    case .mismatch:
      // What a person needs without rerunning: per array its shape, dtypes, tolerance and the
      // worst elements; then the command that reruns this one case.
      let pictures = page.map { "pictures: \($0.target(entry.name))" }
      let details =
        (entry.failingArrays.flatMap(\.detailLines) + [
          "rerun: tl-run \(shellQuoted(pipelineFile)) --case \(shellQuoted(entry.directory))"
        ] + [pictures].compactMap { $0 }).joined(separator: "\n")
      let message = (entry.failureSummary ?? "mismatch") + (pictures.map { " (\($0))" } ?? "")
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

  /// `path` as one POSIX shell word: unchanged when it holds only safe characters, else in
  /// single quotes.
  static func shellQuoted(_ path: String) -> String {
    let safe = path.unicodeScalars.allSatisfy {
      $0.properties.isAlphabetic || "0123456789/._-+:@%=,".unicodeScalars.contains($0)
    }
    return safe && !path.isEmpty ? path : "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
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
