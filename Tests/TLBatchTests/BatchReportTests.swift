import Foundation
import FoundationXML
import TLPipeline
import TLTestSupport
import Testing

@testable import TLBatch

/// The elements and attributes of an XML document, as a parser reads them (fails on bad XML).
final class XMLElements: NSObject, XMLParserDelegate {
  var elements: [(name: String, attributes: [String: String])] = []
  var text = ""

  static func parse(_ xml: String) -> XMLElements? {
    let collector = XMLElements()
    let parser = XMLParser(data: Data(xml.utf8))
    parser.delegate = collector
    return parser.parse() ? collector : nil
  }

  func parser(
    _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
    attributes: [String: String] = [:]
  ) {
    elements.append((name, attributes))
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

  func named(_ name: String) -> [[String: String]] { elements.filter { $0.name == name }.map(\.attributes) }
}

@Test func jsonReportReadsBackAsWritten() throws {
  let root = try batchFixtureCopy()
  defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
  let report = try runFixtureBatch(root, jobs: 2)
  let file = root.appendingPathComponent("report.json").path
  try BatchReportFile.write(report.json, to: file)
  let read = try BatchReport.read(path: file)
  #expect(read.cases.map(\.name) == report.cases.map(\.name))
  #expect(read.cases.map(\.status) == report.cases.map(\.status))
  #expect(read.cases.map(\.run.message) == report.cases.map(\.run.message))
  #expect(read.cases.map(\.run.comparison) == report.cases.map(\.run.comparison))
  #expect(read.summary == report.summary)
  // Keys as documented: a case is a flat object with the run report's keys and its time.
  let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any]
  let first = (object?["cases"] as? [[String: Any]])?.first
  #expect(
    Set(first?.keys.map { $0 } ?? []) == ["name", "status", "outputs", "written", "comparison", "directory", "seconds"])
  #expect((object?["summary"] as? [String: Any])?["exit_status"] as? Int == 2)
}

@Test func junitHasOneTestcasePerCaseWithFailureAndError() throws {
  let root = try batchFixtureCopy()
  defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
  let report = try runFixtureBatch(root, jobs: 2)
  let parsed = try #require(XMLElements.parse(JUnitReport.xml(report)))
  #expect(parsed.named("testsuite").first?["tests"] == "7")
  #expect(parsed.named("testsuite").first?["failures"] == "1")
  #expect(parsed.named("testsuite").first?["errors"] == "1")
  #expect(parsed.named("testcase").compactMap { $0["name"] } == report.cases.map(\.name))
  #expect(parsed.named("failure").count == 1 && parsed.named("error").count == 1)
  #expect(parsed.named("failure").first?["message"]?.hasPrefix("affine.dW: Mismatched elements: 1 / 15") == true)
  #expect(parsed.named("error").first?["message"]?.contains("case_6_broken_input/x.npy") == true)
  // The failure's body carries what a person needs without rerunning, and the rerun command.
  let wrong = try #require(report.cases.first { $0.status == .mismatch })
  for words in [
    "affine.dW: Mismatched elements: 1 / 15", "  dtype float64; shape (3, 5)", "  tolerance: rtol ",
    "(default: float64 arithmetic, sums of ~", "]: actual ", " expected ", "  max rel diff ",
    "rerun: tl-run \(report.pipelineFile) --case \(wrong.directory)",
  ] {
    #expect(parsed.text.contains(words), "missing \(words) in \(parsed.text)")
  }
}

@Test(arguments: [("/a/b/p.json", "/a/b/p.json"), ("/a b/it's.json", #"'/a b/it'\''s.json'"#)])
func rerunPathsAreShellWords(_ path: String, _ quoted: String) {
  #expect(JUnitReport.shellQuoted(path) == quoted)
}

/// Markup characters, quotes, line breaks and characters XML 1.0 forbids survive a parser.
@Test func junitEscapesEveryMessage() throws {
  let message = "a<b & c>\"d\" 'e'\nline two\tand \u{1}\u{1B}[K"
  let entry = BatchCaseReport(run: RunReport(name: "case <&>", error: BatchError(message)), directory: "/d", seconds: 0)
  let report = BatchReport(pipeline: "p \"&\" <q>", pipelineFile: "p.json", shard: nil, cases: [entry], wallSeconds: 0)
  let parsed = try #require(XMLElements.parse(JUnitReport.xml(report)))
  #expect(parsed.named("testcase").first?["name"] == "case <&>")
  #expect(parsed.named("testsuite").first?["name"] == "p \"&\" <q>")
  let kept = "a<b & c>\"d\" 'e'\nline two\tand \u{FFFD}\u{FFFD}[K"
  #expect(parsed.named("error").first?["message"] == kept)
  #expect(parsed.text.contains(kept))
}

@Test func shardReportsMergeIntoTheWholeBatch() throws {
  let root = try batchFixtureCopy()
  defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
  let whole = try runFixtureBatch(root, jobs: 1)
  let shards = try (0..<3).map { try runFixtureBatch(root, jobs: 1, shard: Shard(index: $0, count: 3)) }
  let (merged, warnings) = try BatchReport.merge(shards.enumerated().map { ("s\($0.offset).json", $0.element) })
  #expect(warnings.isEmpty)
  #expect(merged.cases.map(\.name) == whole.cases.map(\.name))
  #expect(merged.cases.map(\.status) == whole.cases.map(\.status))
  #expect(
    merged.summary.exitStatus == 2 && merged.shard == nil && merged.mergedFrom == ["s0.json", "s1.json", "s2.json"])
  let partial = try BatchReport.merge([("s0.json", shards[0]), ("s2.json", shards[2])])
  #expect(partial.warnings == ["shard 1 of 3 missing: the merged report does not cover the whole batch"])
  #expect(partial.report.cases.count == shards[0].cases.count + shards[2].cases.count)
}

@Test func overlappingReportsAreRefused() throws {
  let root = try batchFixtureCopy()
  defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
  let whole = try runFixtureBatch(root, jobs: 1)
  let half = try runFixtureBatch(root, jobs: 1, shard: Shard(index: 0, count: 2))
  let quarter = try runFixtureBatch(root, jobs: 1, shard: Shard(index: 1, count: 4))
  var other = whole
  other.pipeline = "another pipeline"
  let refusals: [([(file: String, report: BatchReport)], String)] = [
    ([("a.json", whole), ("b.json", half)], "case \"case_1\" is in both a.json and b.json"),
    ([("a.json", half), ("b.json", half)], "a.json and b.json are both shard 0/2"),
    ([("a.json", half), ("b.json", quarter)], "shards of different splits overlap"),
    ([("a.json", whole), ("b.json", other)], "pipeline \"another pipeline\""),
    ([], "no reports"),
  ]
  for (inputs, says) in refusals {
    #expect {
      try BatchReport.merge(inputs)
    } throws: { error in
      "\(error)".contains(says)
    }
  }
}
