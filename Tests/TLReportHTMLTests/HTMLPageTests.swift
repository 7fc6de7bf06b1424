import TLCompare
import Testing

@testable import TLReportHTML

/// What the page holds, as text: self-contained, escaped, linked.
@Suite struct HTMLPageTests {
  @Test func aPageLoadsNothingFromOutside() {
    let html = PageFixtures.page(PageFixtures.failingCase()).render()
    for outside in ["http:", "https:", "<script", "<link", "@import", "url(", "<iframe", "@font-face"] {
      #expect(!html.contains(outside), "the page contains \(outside)")
    }
    #expect(html.components(separatedBy: "src=\"data:image/png;base64,").count == 2)
    #expect(html.contains("<svg"))
    #expect(html.hasPrefix("<!DOCTYPE html>"))
  }

  @Test func aFailingArrayHasItsVerdictSentencesAndPassingArraysTheirLine() {
    let entry = PageFixtures.failingCase(sentences: ["with <gates> in order [i, f, g, o] the port's out matches"])
    let html = PageFixtures.page(entry).render()
    #expect(html.contains(#"<section id="case-demo">"#))
    #expect(html.contains(#"id="case-demo.array.w""#))
    #expect(html.contains("with &lt;gates&gt; in order [i, f, g, o] the port&#39;s out matches"))
    #expect(html.contains("Mismatched elements: 32 / 64 (50%)"))
    #expect(html.contains("tolerance: rtol 1e-05 atol 1e-06 (test)"))
    #expect(html.contains("<tr><td>b</td><td>float32</td><td>(4,)</td><td>0.25</td></tr>"))
    #expect(html.contains("&gt; 10⁴"))  // the legend
  }

  @Test func anchorsAreDistinctForDistinctNames() {
    let names = ["case_1", "case 1", "case.1", "case-1", "case/1", "cäse_1", "case.20.1", "case_2e_1"]
    let anchors = names.map(HTMLPage.anchor(forCase:))
    #expect(Set(anchors).count == names.count)
    #expect(HTMLPage.anchor(forCase: "case 1") == "case-case.20.1")
    #expect(HTMLPage.anchor(forCase: "case_7_wrong-reference") == "case-case_7_wrong-reference")
    for anchor in anchors { #expect(anchor.allSatisfy { $0.isASCII && !$0.isWhitespace }) }
  }

  @Test func aBatchTableLinksTheCasesThatHaveSections() {
    let cases = [
      PageFixtures.failingCase(name: "a <1>"),
      HTMLCase(
        name: "b", status: "mismatch", message: "w: Mismatched", worstArray: "w", diagnosis: "transposed, scaled"),
      HTMLCase(name: "c", status: "error", message: "c/x.npy: no such file"),
      HTMLCase(name: "d", status: "pass"),
    ]
    let page = HTMLPage(
      title: "batch", cases: cases, isBatch: true,
      omissionNote: "Detailed sections are shown for the first 1 failing cases")
    let html = page.render()
    #expect(html.contains(##"<td><a href="#case-a.20..3c.1.3e.">a &lt;1&gt;</a></td>"##))
    #expect(html.contains(#"<tr class="mismatch"><td>b</td>"#))
    #expect(
      html.contains(#"<tr class="error"><td>c</td><td>error</td><td></td><td></td><td>c/x.npy: no such file</td></tr>"#)
    )
    #expect(html.contains("<th>diagnosis</th>"))
    #expect(html.contains("<td>w</td><td>transposed, scaled</td><td>w: Mismatched</td>"))
    #expect(html.contains("Detailed sections are shown for the first 1 failing cases"))
    #expect(html.components(separatedBy: "<section ").count == 2)
  }

  @Test func aPassingRunHasNoPicturesAndNoLegend() {
    let html = PageFixtures.page(PageFixtures.passingCase()).render()
    #expect(!html.contains("data:image/png"))
    #expect(!html.contains(#"class="legend""#))
    #expect(html.contains("<h3>Within tolerance</h3>"))
  }

  @Test func theIsolationTableAndTheFirstWrongComeBeforeTheArrays() {
    var entry = PageFixtures.failingCase()
    entry.detail?.isolation = HTMLIsolation(
      rows: [
        .init(layer: "lstm", type: "TimeLSTM", forward: "ok", backward: "ok", failing: []),
        .init(layer: "affine", type: "TimeAffine", forward: "ok", backward: "FAIL", failing: ["affine.dx"]),
      ],
      firstWrong: "first wrong by itself: affine (backward)")
    let html = PageFixtures.page(entry).render()
    let section = html.components(separatedBy: #"<section id="case-demo">"#).last ?? ""
    let top = section.components(separatedBy: #"<div class="array""#).first ?? ""
    #expect(top.contains(#"<p class="first-wrong">first wrong by itself: affine (backward)</p>"#))
    #expect(
      top.contains(
        #"<tr><td>affine</td><td>TimeAffine</td><td class="">ok</td><td class="fail">FAIL</td><td>affine.dx</td></tr>"#
      ))
    #expect(top.contains("<tr><td>lstm</td><td>TimeLSTM</td>"))
  }

  /// Bars above tolerance take the legend's colour of their decade; labels sit centred under
  /// their bar, unrotated, ranges on two lines.
  @Test func histogramBarsUseTheLegendsColoursByDecade() {
    let hex = Palette.steps.map(\.hex)
    let colours = (0..<ErrorHistogram.labels.count).map(HistogramSVG.colour(ofBin:))
    #expect(colours[7] == hex[2], "(0.1, 1]: within tolerance")
    #expect(colours[8] == hex[3], "(1, 10]: yellow")
    #expect(colours[9] == hex[4], "(10, 100]: orange")
    #expect(colours[10] == hex[5] && colours[11] == hex[5], "(100, 10⁴]: red")
    #expect(colours[12] == hex[6] && colours[13] == hex[6] && colours[14] == hex[6], "> 10⁴: dark red")
    #expect(colours[15] == hex[7], "not finite: black")
    #expect(colours[0] == hex[0] && colours[6] == hex[1])
    #expect(HistogramSVG.labelLines(2) == ["1e-6 –", "1e-5"])
    #expect(HistogramSVG.labelLines(15) == ["not", "finite"])
    #expect(HistogramSVG.labelLines(1) == ["< 1e-6"])
    var histogram = ErrorHistogram()
    for ratio in [0.5, 5, 50, 5e3, 5e5, .nan] { histogram.add(ratio) }
    let svg = HistogramSVG.render(histogram)
    #expect(!svg.contains("rotate"))
    for colour in hex[3...] { #expect(svg.contains(#"fill="\#(colour)""#), "\(colour)") }
    // Every label is centred on its bar: x = 5 + 40·bin + 20.
    #expect(svg.contains(#"<g text-anchor="middle">"#))
    #expect(svg.contains(#"<text x="625" y="128">not</text>"#))
    #expect(svg.contains(#"<text x="625" y="140">finite</text>"#))
  }
}
