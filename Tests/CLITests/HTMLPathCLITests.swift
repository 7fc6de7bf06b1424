import Foundation
import TLTestSupport
import Testing

/// Where `--html FILE` may go (docs/pipeline.md §5): every path that cannot take the page, or
/// would replace a file the run reads or writes or another report of the command, is refused
/// in one line with exit 2 before anything is computed; a run that stops with an error replaces
/// the previous page by one saying why.
@Suite struct HTMLPathCLITests {
  /// The test's batch, case_1 run once so that its `out` directory and manifest exist.
  static func ranBatch() throws -> (root: URL, pipeline: String, cases: String, case1: String) {
    let batch = try scratchBatch()
    let case1 = batch.cases + "/case_1"
    let first = try tlRun(batch.pipeline, "--case", case1, "--intermediates")
    #expect(first.status == 0, "\(first.stderr)")
    return (batch.root, batch.pipeline, batch.cases, case1)
  }

  /// The modification dates of every file under `directory`, by path.
  static func snapshot(_ directory: String) throws -> [String: Date] {
    var dates: [String: Date] = [:]
    for name in try FileManager.default.subpathsOfDirectory(atPath: directory) {
      let path = directory + "/" + name
      dates[name] = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
    }
    return dates
  }

  /// One line on stderr that says `expected`, exit 2, nothing on stdout (no verdict printed).
  static func expectRefusal(
    _ result: ProcessResult, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(result.status == 2, "\(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stdout.isEmpty, "nothing ran: \(result.stdout)", sourceLocation: sourceLocation)
    #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stderr.contains(expected), "\(result.stderr)", sourceLocation: sourceLocation)
  }

  @Test func aPageOverAnOutputTheManifestOrAnIntermediateIsRefusedBeforeTheRun() throws {
    let batch = try Self.ranBatch()
    defer { try? FileManager.default.removeItem(at: batch.root.deletingLastPathComponent()) }
    let out = batch.case1 + "/out"
    let before = try Self.snapshot(batch.case1)
    for (target, reason) in [
      (out + "/dx.npy", "an array file of the outputs directory"),
      (out + "/affine.out.npy", "an array file of the outputs directory"),
      (out + "/.tl-run-outputs.json", "the outputs manifest the run writes"),
      (batch.case1 + "/./out/../out/dx.npy", "an array file of the outputs directory"),
      (batch.case1 + "/x.npy", "an input the run reads"),
      (batch.root.path + "/W.npy", "an input the run reads"),
      (batch.case1 + "/expected/out.npy", "the reference the run compares with"),
      (batch.pipeline, "the pipeline file"),
    ] {
      for arguments in [
        [batch.pipeline, "--case", batch.case1, "--html", target],
        [batch.pipeline, "--case", batch.case1, "--isolate", "--html", target],
        ["batch", batch.pipeline, batch.cases, "--html", target],
      ] {
        Self.expectRefusal(try tlRunBatch(arguments), "--html \(target): refusing to write over \(reason)")
      }
    }
    // A symbolic link to an output, even one not written yet, is refused as the output is.
    let link = batch.root.path + "/link.html"
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: out + "/out.npy")
    let dangling = batch.root.path + "/dangling.html"
    try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: out + "/affine.dx.npy")
    for target in [link, dangling] {
      Self.expectRefusal(
        try tlRun(batch.pipeline, "--case", batch.case1, "--html", target),
        "--html \(target): refusing to write over an array file of the outputs directory")
    }
    #expect(try Self.snapshot(batch.case1) == before, "nothing in the case was written or removed")
    // No other case ran either: none has an `out`.
    #expect(!FileManager.default.fileExists(atPath: batch.cases + "/case_2/out"))
  }

  @Test func aPageOverAnNPZOutputIsRefused() throws {
    let batch = try scratchBatch()
    defer { try? FileManager.default.removeItem(at: batch.root.deletingLastPathComponent()) }
    let text = try String(contentsOfFile: batch.pipeline, encoding: .utf8)
    try text.replacingOccurrences(of: #""outputs": "out""#, with: #""outputs": "results.npz""#)
      .write(toFile: batch.pipeline, atomically: true, encoding: .utf8)
    let target = batch.cases + "/case_1/results.npz"
    Self.expectRefusal(
      try tlRun(batch.pipeline, "--case", batch.cases + "/case_1", "--html", target),
      "--html \(target): refusing to write over the outputs file the run writes")
    #expect(!FileManager.default.fileExists(atPath: target))
    // A page beside it, or in an outputs directory under another name, is fine.
    let page = batch.cases + "/case_1/page.html"
    #expect(try tlRun(batch.pipeline, "--case", batch.cases + "/case_1", "--html", page).status == 0)
    #expect(FileManager.default.fileExists(atPath: page) && FileManager.default.fileExists(atPath: target))
  }

  @Test func twoReportsOfOneBatchMayNotShareAPath() throws {
    let batch = try scratchBatch()
    defer { try? FileManager.default.removeItem(at: batch.root.deletingLastPathComponent()) }
    let same = batch.root.path + "/same.out"
    for (first, second) in [("--html", "--report"), ("--html", "--junit"), ("--report", "--junit")] {
      let result = try tlRunBatch(["batch", batch.pipeline, batch.cases, first, same, second, same])
      Self.expectRefusal(result, "is also the")
      #expect(result.stderr.contains(same), "\(result.stderr)")
      #expect(!FileManager.default.fileExists(atPath: same))
      #expect(!FileManager.default.fileExists(atPath: batch.cases + "/case_1/out"), "no case ran")
    }
  }

  @Test func aPathThatCannotTakeThePageIsRefusedBeforeTheRun() throws {
    let batch = try scratchBatch()
    defer { try? FileManager.default.removeItem(at: batch.root.deletingLastPathComponent()) }
    let fifo = batch.root.path + "/pipe.html"
    #expect(mkfifo(fifo, 0o644) == 0)
    for (target, expected) in [
      ("", "--html: the path is empty"),
      (batch.root.path, "is a directory, not a file to write the report to"),
      (fifo, "is a FIFO (named pipe), not a file to write the report to"),
      ("/dev/null", "is a character device, not a file to write the report to"),
      (batch.root.path + "/no/such/page.html", "does not exist"),
    ] {
      for arguments in [
        [batch.pipeline, "--case", batch.cases + "/case_1", "--html", target],
        ["batch", batch.pipeline, batch.cases, "--html", target],
      ] {
        Self.expectRefusal(try tlRunBatch(arguments), expected)
        #expect(!FileManager.default.fileExists(atPath: batch.cases + "/case_1/out"), "nothing computed")
      }
    }
    for option in ["--report", "--junit"] {
      Self.expectRefusal(
        try tlRunBatch(["batch", batch.pipeline, batch.cases, option, "/dev/null"]),
        "\(option) /dev/null: is a character device")
    }
  }

  @Test func aFailedRunReplacesThePreviousPageByOneSayingWhy() throws {
    let batch = try scratchBatch()
    defer { try? FileManager.default.removeItem(at: batch.root.deletingLastPathComponent()) }
    let page = batch.root.path + "/page.html"
    #expect(try tlRun(batch.pipeline, "--case", batch.cases + "/case_1", "--html", page).status == 0)
    #expect(try String(contentsOfFile: page, encoding: .utf8).contains("<h3>Within tolerance</h3>"))
    let broken = try tlRun(batch.pipeline, "--case", batch.cases + "/case_6_broken_input", "--html", page)
    #expect(broken.status == 2)
    let html = try String(contentsOfFile: page, encoding: .utf8)
    #expect(!html.contains("Within tolerance"), "the previous run's page is gone")
    #expect(html.contains("error (exit status 2): "))
    // The one-line message, as stderr has it (case_6's x.npy is cut short).
    #expect(broken.stderr.contains("x.npy") && html.contains("x.npy"), "\(broken.stderr)")
    // A pipeline that does not decode, and a batch that cannot start, say so too.
    try "{".write(toFile: batch.root.path + "/bad.json", atomically: true, encoding: .utf8)
    for arguments in [
      [batch.root.path + "/bad.json", "--html", page],
      ["batch", batch.root.path + "/bad.json", batch.cases, "--html", page],
      ["batch", batch.pipeline, batch.root.path + "/no-such-dir", "--html", page],
    ] {
      try "<!DOCTYPE html><p>stale</p>".write(toFile: page, atomically: true, encoding: .utf8)
      let result = try tlRunBatch(arguments)
      #expect(result.status == 2)
      let text = try String(contentsOfFile: page, encoding: .utf8)
      #expect(!text.contains("stale") && text.contains("error (exit status 2): "), "\(arguments)")
    }
    // A file that is not a page is never replaced when the run's files are not known.
    let notPage = batch.root.path + "/notes.txt"
    try "keep me".write(toFile: notPage, atomically: true, encoding: .utf8)
    #expect(try tlRun(batch.root.path + "/bad.json", "--html", notPage).status == 2)
    #expect(try String(contentsOfFile: notPage, encoding: .utf8) == "keep me")
  }

  @Test func aNegativeToleranceIsRefusedLikeNaN() throws {
    let batch = try scratchBatch()
    defer { try? FileManager.default.removeItem(at: batch.root.deletingLastPathComponent()) }
    for option in ["--rtol", "--atol"] {
      for value in ["-1", "-1e-3", "nan"] {
        let result = try tlRun(batch.pipeline, "--case", batch.cases + "/case_1", option, value)
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.first?.contains("\(option) must be a finite number ≥ 0, got ") == true, "\(result.stderr)")
      }
      let zero = try tlRun(batch.pipeline, "--case", batch.cases + "/case_1", option, "0")
      #expect(zero.status == 0 || zero.status == 1, "\(zero.stderr)")
    }
  }
}
