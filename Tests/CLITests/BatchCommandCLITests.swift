import Foundation
import TLTestSupport
import Testing

/// The fixture batch with the cases `removing` taken out, so its verdict is what a test wants.
private func scratchBatch(removing cases: [String]) throws -> (root: URL, pipeline: String, cases: String) {
  let batch = try scratchBatch()
  for name in cases { try FileManager.default.removeItem(atPath: batch.cases + "/" + name) }
  return batch
}

/// A batch report's JSON without what differs from run to run (the seconds each case and the
/// batch took), as sorted, pretty-printed text.
private func comparableReport(_ text: String) throws -> String {
  func strip(_ value: Any) -> Any {
    if let object = value as? [String: Any] {
      return object.filter { $0.key != "seconds" && $0.key != "wall_seconds" }.mapValues(strip)
    }
    if let array = value as? [Any] { return array.map(strip) }
    return value
  }
  let object = strip(try JSONSerialization.jsonObject(with: Data(text.utf8)))
  let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
  return String(decoding: data, as: UTF8.self)
}

/// The case lines of a batch's output with their times taken out (name, status, message).
private func caseLines(_ stdout: String) -> [String] {
  stdout.split(separator: "\n").dropLast().map { line in
    line.split(separator: " ", omittingEmptySubsequences: true).enumerated()
      .filter { ![2, 3].contains($0.offset) }.map(\.element).joined(separator: " ")
  }.sorted()
}

@Test(arguments: [
  (["case_6_broken_input", "case_7_wrong_reference"], Int32(0), "5 cases: 5 passed, 0 mismatched, 0 errors in "),
  (["case_6_broken_input"], Int32(1), "6 cases: 5 passed, 1 mismatched, 0 errors in "),
  ([], Int32(2), "7 cases: 5 passed, 1 mismatched, 1 error in "),
])
func theBatchCommandExitsAsItsCasesDo(removing: [String], status: Int32, summary: String) throws {
  let batch = try scratchBatch(removing: removing)
  defer { try? FileManager.default.removeItem(at: batch.root.deletingLastPathComponent()) }
  let result = try tlRunBatch(["batch", batch.pipeline, batch.cases, "--jobs", "2"])
  #expect(result.status == status, "\(result.stdout)\(result.stderr)")
  #expect(result.stderr.isEmpty, "\(result.stderr)")
  let lines = result.stdout.split(separator: "\n")
  #expect(lines.count == 8 - removing.count)
  #expect(lines.last?.hasPrefix(summary) == true, "\(result.stdout)")
}

/// `tl-run PIPELINE --batch DIR` and `tl-run batch PIPELINE DIR` are one command: the same
/// lines, the same report (run_id included), the same JUnit file, the same exit status.
@Test(arguments: [
  ["--batch", "DIR"], ["--batch=DIR"], ["run", "--batch", "DIR"],
])
func bothSpellingsGiveTheSameReport(spelling: [String]) throws {
  let batch = try scratchBatch()
  defer { try? FileManager.default.removeItem(at: batch.root.deletingLastPathComponent()) }
  func run(_ arguments: [String], _ name: String) throws -> (ProcessResult, report: String, junit: String) {
    let report = batch.root.appendingPathComponent("\(name).json").path
    let junit = batch.root.appendingPathComponent("\(name).xml").path
    let result = try tlRunBatch(arguments + ["--jobs", "2", "--rtol", "1e-6", "--report", report, "--junit", junit])
    let time = try NSRegularExpression(pattern: #" time="[0-9.]+""#)
    let xml = try String(contentsOfFile: junit, encoding: .utf8)
    return (
      result, try comparableReport(try String(contentsOfFile: report, encoding: .utf8)),
      time.stringByReplacingMatches(in: xml, range: NSRange(xml.startIndex..., in: xml), withTemplate: "")
    )
  }
  let primary = try run(["batch", batch.pipeline, batch.cases], "batch")
  let legacy = spelling.first == "run" ? ["run", batch.pipeline] : [batch.pipeline]
  let alias = try run(
    legacy + spelling.drop { $0 == "run" }.map { $0.replacingOccurrences(of: "DIR", with: batch.cases) }, "alias")
  #expect(primary.0.status == 2 && alias.0.status == 2, "\(alias.0.stderr)")
  #expect(caseLines(primary.0.stdout) == caseLines(alias.0.stdout), "\(alias.0.stdout)")
  #expect(primary.report == alias.report)
  #expect(primary.report.contains("\"run_id\""))
  #expect(primary.junit == alias.junit)
  let json = try tlRunBatch(["batch", batch.pipeline, batch.cases, "--json"])
  let aliasJSON = try tlRunBatch([batch.pipeline, "--batch", batch.cases, "--json"])
  #expect(try comparableReport(json.stdout) == comparableReport(aliasJSON.stdout))
}

/// Errors of the batch command: one line, exit status 2, nothing run.
@Test(arguments: [
  (["batch", "PIPELINE", "NOWHERE"], "tl-run: --batch NOWHERE: no such directory\n"),
  (["batch", "PIPELINE", "CASES", "--shard", "7/3"], "tl-run: --shard 7/3: the shard index must be in 0...2"),
  (["batch", "PIPELINE", "CASES", "--jobs", "0"], "Error: --jobs must be at least 1, got 0"),
  (["batch", "PIPELINE", "CASES", "--case", "CASES"], "Error: Unknown option '--case'"),
  (["batch", "PIPELINE"], "Error: Missing expected argument '<dir>'"),
  (["PIPELINE", "--batch"], "Error: Missing expected argument '<dir>'"),
  (["PIPELINE", "--jobs", "2"], "Error: --jobs needs --batch DIR"),
  (["run", "PIPELINE", "--shard-count=2"], "Error: --shard-count needs --batch DIR"),
  (["PIPELINE", "--batch", "CASES", "--case", "CASES"], "Error: --case and --batch exclude each other"),
])
func batchCommandErrorsExitTwoBeforeRunning(arguments: [String], says: String) throws {
  let batch = try scratchBatch()
  defer { try? FileManager.default.removeItem(at: batch.root.deletingLastPathComponent()) }
  let nowhere = batch.root.appendingPathComponent("nowhere").path
  let replacements = ["PIPELINE": batch.pipeline, "CASES": batch.cases, "NOWHERE": nowhere]
  let result = try tlRunBatch(arguments.map { replacements[$0] ?? $0 })
  let expected = says.replacingOccurrences(of: "NOWHERE", with: nowhere)
  #expect(result.status == 2)
  #expect(expected.hasSuffix("\n") ? result.stderr == expected : result.stderr.hasPrefix(expected), "\(result.stderr)")
  #expect(result.stdout.isEmpty)
  #expect(!FileManager.default.fileExists(atPath: batch.cases + "/case_1/out"), "nothing ran")
}

/// `tl-run batch --help` shows its usage, arguments and its own options; the root help names
/// the subcommand and both spellings.
@Test func theBatchCommandHasItsOwnHelp() throws {
  let help = try tlRun("batch", "--help")
  #expect(help.status == 0)
  for words in [
    "USAGE: tl-run batch <pipeline.json> <dir> [--jobs <n>]", "tl-run <pipeline.json> --batch <dir> [<options>]",
    "<dir>  ", "BATCH:", "--jobs <N>", "--report <FILE.json>", "--junit <FILE.xml>", "--shard <I/N>",
    "--shard-count <N>", "--intermediates", "--rtol <rtol>", "--json", "Exit status: 2 if any case had an error",
  ] {
    #expect(help.stdout.contains(words), "missing \(words) in \(help.stdout)")
  }
  #expect(!help.stdout.contains("--case") && !help.stdout.contains("--timings"))
  let root = try tlRun("--help").stdout
  #expect(root.contains("tl-run batch <pipeline.json> <dir>") && root.contains("\n  batch  "), "\(root)")
  let run = try tlRun("help", "run").stdout
  #expect(!run.contains("--shard-count <") && run.contains("'tl-run help batch'"), "\(run)")
}

/// With --json a batch that cannot start prints its error as JSON too, whichever the spelling.
@Test(arguments: [["batch", "PIPELINE", "NOWHERE", "--json"], ["PIPELINE", "--json", "--batch", "NOWHERE"]])
func aBatchErrorWithJSONIsJSON(arguments: [String]) throws {
  let batch = try scratchBatch()
  defer { try? FileManager.default.removeItem(at: batch.root.deletingLastPathComponent()) }
  let nowhere = batch.root.appendingPathComponent("nowhere").path
  let result = try tlRunBatch(arguments.map { ["PIPELINE": batch.pipeline, "NOWHERE": nowhere][$0] ?? $0 })
  #expect(result.status == 2)
  let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
  #expect(object["status"] as? String == "error" && object["name"] as? String == batch.pipeline)
  #expect(object["message"] as? String == "--batch \(nowhere): no such directory")
}

/// `--intermediates` reaches every case of a batch, as it did with `--batch`.
@Test func intermediatesReachEveryCase() throws {
  let batch = try scratchBatch()
  defer { try? FileManager.default.removeItem(at: batch.root.deletingLastPathComponent()) }
  let result = try tlRunBatch(["batch", batch.pipeline, batch.cases, "--intermediates", "--shard", "0/3"])
  #expect(result.status == 1, "case_7_wrong_reference is in shard 0/3: \(result.stdout)\(result.stderr)")
  #expect(FileManager.default.fileExists(atPath: batch.cases + "/case_1/out/affine.out.npy"))
  #expect(!FileManager.default.fileExists(atPath: batch.cases + "/case_2/out"), "case_2 is shard 1/3's")
}
