import Foundation
import TLArray
import TLCompare
import TLReportHTML
import TLTestSupport
import Testing

@testable import TLBatch
@testable import TLPipeline

/// The `--html` page of a big batch: sections for the first 50 failing cases in the batch's
/// order whatever order the cases finish in, a table row for every case, a bounded size.
@Suite struct BatchPageTests {
  let spec: PipelineSpec
  init() throws {
    spec = try PipelineSpec.load(path: Fixtures.root.appendingPathComponent("batch/pipeline.json").path)
  }

  /// A finished case whose `affine.dW` (3, 5) has one element off by 0.5 at [1, 2], and whose
  /// other arrays match; `noise` puts every element of `affine.dW` off by a random amount instead.
  func failingResult(noise: Bool = false, seed: Int = 0) -> CaseResult {
    let expectedValues = (0..<15).map { Double($0) / 7 }
    var actualValues = expectedValues
    if noise {
      var state = UInt64(seed + 1)
      for index in actualValues.indices {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        actualValues[index] += Double(state >> 40) * 1e-9
      }
    } else {
      actualValues[1 * 5 + 2] += 0.5
    }
    let actual = [("affine.dW", NDArray(shape: [3, 5], scalars: actualValues)), ("out", NDArray(scalar: 1.0))]
    let expected = [("affine.dW", NDArray(shape: [3, 5], scalars: expectedValues)), ("out", NDArray(scalar: 1.0))]
    let comparison = compareCollections(actual: actual, expected: expected)
    return CaseResult(
      name: spec.name, outputs: .directory(path: "out"), results: actual, comparison: comparison, reference: expected,
      protectedPaths: ["/cases/x.npy"])
  }

  func name(_ index: Int) -> String { "case_" + String(1_000_000 + index).dropFirst(3) }

  @Test func aThousandFailingCasesFinishingInReverseGetFiftySectionsInOrder() throws {
    let page = BatchPage(spec)
    let count = 1_000
    let result = failingResult()
    // Four workers, the last cases first: each earlier failing case evicts a later one.
    DispatchQueue.concurrentPerform(iterations: 4) { worker in
      for index in stride(from: count - 1 - worker, through: 0, by: -4) {
        page.observe(index, name: name(index), result)
      }
    }
    #expect(page.sectionNames == Set((0..<50).map(name)))
    #expect(page.protectedPaths == ["/cases/x.npy"])
    let reports = (0..<count).map { index in
      var run = RunReport(result)
      run.name = name(index)
      return BatchCaseReport(run: run, directory: "cases/\(name(index))", seconds: 0.001)
    }
    let report = BatchReport(pipeline: spec.name, pipelineFile: spec.file, shard: nil, cases: reports, wallSeconds: 1)
    let html = page.page(report, title: "batch", lines: []).render()
    #expect(html.components(separatedBy: "<tr class=\"mismatch\">").count - 1 == count)
    #expect(html.components(separatedBy: "<section ").count - 1 == 50)
    #expect(html.contains(#"<section id="case-case_0049">"#) && !html.contains(#"<section id="case-case_0050">"#))
    #expect(
      html.contains(
        "Detailed sections are shown for the first 50 failing cases (at most 50); the other 950 are in the table only.")
    )
    #expect(html.utf8.count < 1_000_000, "\(html.utf8.count) bytes")
  }

  @Test func aSpentBudgetLeavesPicturesOutAndSaysSo() throws {
    let budget = PictureBudget(bytes: 1_000)
    let page = BatchPage(spec, limit: 10, budget: budget)
    for index in 0..<10 { page.observe(index, name: name(index), failingResult(noise: true, seed: index)) }
    let reports = (0..<10).map { index in
      var run = RunReport(failingResult(noise: true, seed: index))
      run.name = name(index)
      return BatchCaseReport(run: run, directory: "cases/\(name(index))", seconds: 0.001)
    }
    let report = BatchReport(pipeline: spec.name, pipelineFile: spec.file, shard: nil, cases: reports, wallSeconds: 1)
    let html = page.page(report, title: "batch", lines: []).render()
    let pictures = html.components(separatedBy: "data:image/png;base64,").count - 1
    #expect(pictures >= 1 && pictures < 10, "\(pictures) pictures within a 1,000-byte budget")
    #expect(html.contains("1 failing array has no pictures"))
    #expect(budget.isSpent)
  }
}
