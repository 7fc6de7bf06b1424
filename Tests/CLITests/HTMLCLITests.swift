import Foundation
import FoundationXML
import TLTestSupport
import Testing

/// `--html FILE` from the command line (docs/pipeline.md §5): the page of a batch and of a run,
/// the JUnit link, and the refusals.
@Suite struct HTMLCLITests {
  /// The PNGs embedded in a page, decoded, in page order.
  static func pictures(_ html: String) throws -> [PNGImage] {
    try html.components(separatedBy: "src=\"data:image/png;base64,").dropFirst().map { part in
      let text = String(part.prefix { $0 != "\"" })
      let data = try #require(Data(base64Encoded: text))
      return try PNGImage(decoding: Array(data))
    }
  }

  /// The pixels above tolerance (the palette's yellow to black), as [x, y].
  static func outOfTolerance(_ image: PNGImage) -> [[Int]] {
    let within: Set<[UInt8]> = [[222, 235, 247], [158, 202, 225], [49, 130, 189]]
    var cells: [[Int]] = []
    for y in 0..<image.height {
      for x in 0..<image.width {
        let (r, g, b, _) = image.pixel(x, y)
        if !within.contains([r, g, b]) { cells.append([x, y]) }
      }
    }
    return cells
  }

  @Test(arguments: [["batch", "PIPELINE", "CASES"], ["PIPELINE", "--batch", "CASES"]])
  func aBatchPageHasEveryCaseAndTheMismatchsPicture(spelling: [String]) throws {
    let batch = try scratchBatch()
    defer { try? FileManager.default.removeItem(at: batch.root.deletingLastPathComponent()) }
    let page = batch.root.appendingPathComponent("page.html").path
    let junit = batch.root.appendingPathComponent("report.xml").path
    let arguments = spelling.map { $0 == "PIPELINE" ? batch.pipeline : $0 == "CASES" ? batch.cases : $0 }
    let result = try tlRunBatch(arguments + ["--jobs", "2", "--html", page, "--junit", junit])
    #expect(result.status == 2, "\(result.stderr)")
    let html = try String(contentsOfFile: page, encoding: .utf8)
    #expect(html.components(separatedBy: "<tr class=").count - 1 == 7)
    #expect(html.contains(##"<a href="#case-case_7_wrong_reference">case_7_wrong_reference</a>"##))
    #expect(html.contains(#"<tr class="error"><td>case_6_broken_input</td>"#))
    #expect(html.components(separatedBy: "<section ").count == 2, "one section: the one mismatching case")
    #expect(html.contains(#"<section id="case-case_7_wrong_reference">"#))
    #expect(html.contains(#"id="case-case_7_wrong_reference.array.affine.2e.dW""#))
    #expect(html.contains("affine.dW: Mismatched elements: 1 / 15 (6.67%)"))
    // affine.dW (3, 5) has one element off, [1, 2]: one cell out of tolerance, at x 2, y 1.
    let images = try Self.pictures(html)
    #expect(images.count == 1)
    if let image = images.first {
      #expect(image.width == 5 && image.height == 3)
      #expect(Self.outOfTolerance(image) == [[2, 1]])
    }
    // The arrays within tolerance: out, dx, affine.db.
    #expect(html.contains("<tr><td>affine.db</td><td>float64</td>"))
    let xml = try String(contentsOfFile: junit, encoding: .utf8)
    #expect(XMLParser(data: Data(xml.utf8)).parse())
    #expect(xml.contains("(pictures: \(page)#case-case_7_wrong_reference)\""))
    #expect(xml.contains("pictures: \(page)#case-case_7_wrong_reference</failure>"))
  }

  @Test func aRunsPageShowsItsCaseFailingOrPassing() throws {
    let batch = try scratchBatch()
    defer { try? FileManager.default.removeItem(at: batch.root.deletingLastPathComponent()) }
    let page = batch.root.appendingPathComponent("run.html").path
    let failing = try tlRun(batch.pipeline, "--case", batch.cases + "/case_7_wrong_reference", "--html", page)
    #expect(failing.status == 1, "\(failing.stderr)")
    let html = try String(contentsOfFile: page, encoding: .utf8)
    #expect(!html.contains("<table class=\"cases\""))
    #expect(html.contains(#"<section id="case-batch.3a..20.TimeAffine">"#))
    #expect(try Self.pictures(html).map(Self.outOfTolerance) == [[[2, 1]]])
    let passing = try tlRun(batch.pipeline, "--case", batch.cases + "/case_1", "--html", page)
    #expect(passing.status == 0, "\(passing.stderr)")
    let passed = try String(contentsOfFile: page, encoding: .utf8)
    #expect(!passed.contains("data:image/png"))
    #expect(passed.contains("<h3>Within tolerance</h3>"))
    #expect(passed.contains("<tr><td>affine.dW</td><td>float64</td><td>(3, 5)</td>"))
  }

  @Test func anUnwritablePageIsOneLineAndExitTwoBeforeAnythingRuns() throws {
    let batch = try scratchBatch()
    defer { try? FileManager.default.removeItem(at: batch.root.deletingLastPathComponent()) }
    let missing = batch.root.appendingPathComponent("no/such/dir/page.html").path
    for arguments in [
      [batch.pipeline, "--case", batch.cases + "/case_1", "--html", missing],
      ["batch", batch.pipeline, batch.cases, "--html", missing],
    ] {
      let result = try tlRunBatch(arguments)
      #expect(result.status == 2)
      #expect(result.stdout.isEmpty, "nothing ran: \(result.stdout)")
      let lines = result.stderr.split(separator: "\n")
      #expect(lines.count == 1 && lines.first?.contains("--html \(missing)") == true, "\(result.stderr)")
      #expect(result.stderr.contains("does not exist"))
    }
  }

  @Test func aPageOverAnInputOrReferenceIsRefused() throws {
    let batch = try scratchBatch()
    defer { try? FileManager.default.removeItem(at: batch.root.deletingLastPathComponent()) }
    let caseDirectory = batch.cases + "/case_1"
    for target in [caseDirectory + "/x.npy", caseDirectory + "/expected/out.npy", batch.pipeline] {
      let before = try Data(contentsOf: URL(fileURLWithPath: target))
      let result = try tlRunBatch([batch.pipeline, "--case", caseDirectory, "--html", target])
      #expect(result.status == 2)
      #expect(result.stderr.contains("--html \(target): refusing to write over "), "\(result.stderr)")
      #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == before, "\(target) changed")
    }
    let batchResult = try tlRunBatch(["batch", batch.pipeline, batch.cases, "--html", caseDirectory + "/dout.npy"])
    #expect(batchResult.status == 2)
    #expect(batchResult.stderr.contains("refusing to write over an input the run reads"), "\(batchResult.stderr)")
  }
}

/// The diagnosis (docs/pipeline.md §7) in words on the page: each failing array's section
/// starts with the summaries of the diagnoses that explain it and where it fails.
@Test func aGateOrderMistakeIsNamedInTheArraysSection() throws {
  let directory = try scratchCopy("testdata/mistakes/gate_order_lstm")
  defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
  let page = directory.deletingLastPathComponent().appendingPathComponent("page.html").path
  let result = try tlRun(directory.appendingPathComponent("pipeline.json").path, "--html", page)
  #expect(result.status == 1, "\(result.stderr)")
  let html = try String(contentsOfFile: page, encoding: .utf8)
  let section = try #require(
    html.components(separatedBy: #"<div class="array" id="case-gate_order_lstm.array.lstm.2e.dWx">"#).dropFirst().first)
  let sentences = try #require(section.components(separatedBy: "<pre").first)  // before the verdict
  #expect(
    sentences.contains("lstm: gate-order: with gates in order [i, f, g, o] instead of the book&#39;s [f, g, i, o]"))
  #expect(sentences.contains("<li>lstm.dWx: failing gate blocks f, g, i, o</li>"))
}

/// `--isolate` on the page: the isolation table and the first layer wrong by itself head the
/// case's section, and the arrays it explains come before the downstream ones.
@Test func anIsolatedRunsPageLeadsWithTheFirstWrongLayer() throws {
  let directory = try scratchCopy("testdata/mistakes/isolate_chain")
  defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
  let page = directory.deletingLastPathComponent().appendingPathComponent("page.html").path
  let result = try tlRun(directory.appendingPathComponent("pipeline.json").path, "--isolate", "--html", page)
  #expect(result.status == 1, "\(result.stderr)")
  let html = try String(contentsOfFile: page, encoding: .utf8)
  let section = try #require(html.components(separatedBy: #"<section id="case-isolate_chain">"#).dropFirst().first)
  let top = try #require(section.components(separatedBy: #"<div class="array""#).first)
  #expect(top.contains(#"<p class="first-wrong">first wrong by itself: affine (backward)</p>"#))
  #expect(
    top.contains(
      #"<tr><td>affine</td><td>TimeAffine</td><td class="">ok</td><td class="fail">FAIL</td><td>affine.dx</td></tr>"#))
  for layer in ["embed", "lstm", "loss"] { #expect(top.contains("<tr><td>\(layer)</td>")) }
  // affine.dx (diagnosed: scaled) is the first array; lstm.dWx and embed.dW, which fail only
  // downstream of it, follow.
  let arrays = section.components(separatedBy: #"<div class="array" id="case-isolate_chain.array."#).dropFirst()
    .map { String($0.prefix { $0 != "\"" }) }
  #expect(arrays.first == "affine.2e.dx", "\(arrays)")
  #expect(arrays.contains("lstm.2e.dWx") && arrays.contains("embed.2e.dW"), "\(arrays)")
}

/// A batch's table names the kinds of mistake each case's diagnosis found.
@Test func aBatchTableHasADiagnosisColumn() throws {
  let directory = try scratchCopy("testdata/mistakes/transposed")
  let root = directory.deletingLastPathComponent()
  defer { try? FileManager.default.removeItem(at: root) }
  let cases = root.appendingPathComponent("cases")
  try FileManager.default.createDirectory(at: cases, withIntermediateDirectories: true)
  try FileManager.default.moveItem(at: directory, to: cases.appendingPathComponent("transposed"))
  let pipeline = root.appendingPathComponent("pipeline.json").path
  try FileManager.default.copyItem(atPath: cases.path + "/transposed/pipeline.json", toPath: pipeline)
  let page = root.appendingPathComponent("page.html").path
  let result = try tlRunBatch(["batch", pipeline, cases.path, "--html", page])
  #expect(result.status == 1, "\(result.stderr)")
  let html = try String(contentsOfFile: page, encoding: .utf8)
  #expect(html.contains("<th>diagnosis</th>"))
  let row = try #require(html.components(separatedBy: #"<tr class="mismatch">"#).dropFirst().first)
  #expect(row.contains("<td>transposed</td>"), "\(row.prefix(400))")
}
