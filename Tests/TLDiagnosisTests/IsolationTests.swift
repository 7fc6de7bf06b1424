import Foundation
import TLArray
import TLDiagnosis
import TLPipeline
import TLTestSupport
import Testing

/// testdata/mistakes/isolate_chain: embed → lstm → affine → loss, the port's affine backward
/// doubling its dx. In the chain every gradient upstream of it differs; isolated, only affine's
/// backward does.
@Suite struct IsolationTests {
  @Test func isolationNamesTheThirdLayersBackward() throws {
    let result = try MistakeCase(case: "isolate_chain").run(isolate: true)
    let report = try #require(result.diagnosis)
    #expect(report.firstWrong == FirstWrong(layer: "affine", direction: "backward"))
    let verdicts = try #require(report.isolation)
    #expect(verdicts.map(\.layer) == ["embed", "lstm", "affine", "loss"])
    #expect(verdicts.map(\.forward) == [.pass, .pass, .pass, .pass])
    #expect(verdicts.map(\.backward) == [.pass, .pass, .fail, .pass])
    #expect(verdicts[2].failing == ["affine.dx"])
    // The chain's comparison blames every gradient upstream of the mistake too.
    let failed = Set(result.comparison?.arrays.filter { $0.status.isFailure }.map(\.name) ?? [])
    #expect(failed.isSuperset(of: ["affine.dx", "lstm.dWx", "embed.dW"]), "\(failed)")
    #expect(report.diagnosis.map(\.kind) == [.scaled] && report.diagnosis.first?.array == "affine.dx")
  }

  @Test func isolateNeedsTheIntermediatesAndNamesTheMissingOne() throws {
    let root = try Fixtures.temporaryDirectory("diagnosis")
    defer { try? FileManager.default.removeItem(at: root) }
    let directory = root.appendingPathComponent("chain")
    try FileManager.default.copyItem(at: Fixtures.root.appendingPathComponent("mistakes/isolate_chain"), to: directory)
    try FileManager.default.removeItem(at: directory.appendingPathComponent("expected/lstm.out.npy"))
    let spec = try PipelineSpec.load(path: directory.appendingPathComponent("pipeline.json").path)
    #expect {
      try PipelineRunner.run(spec, options: RunOptions(intermediates: true, isolate: true))
    } throws: { error in
      "\(error)".contains("\"lstm.out\"") && "\(error)".contains("affine") && !"\(error)".contains("\n")
    }
    // Nothing was written: the check comes before the outputs.
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out").path))
  }

  @Test func intermediatesHoldEachLayersDxButNoneForAnEmbedding() throws {
    let result = try MistakeCase(case: "isolate_chain").run()
    let names = result.results.map(\.name)
    #expect(names.contains("lstm.dx") && names.contains("affine.dx") && names.contains("loss.dx"))
    #expect(!names.contains("embed.dx"), "TimeEmbedding's backward returns None")
    // lstm.dx is what lstm's backward returned: the input gradient of the layer after embed.
    let passes = try MistakeCase(case: "correct").run()
    #expect(passes.comparison?.arrays.first { $0.name == "lstm.dx" }?.status == .pass)
  }

  @Test func theJSONReportCarriesIsolationDiagnosisAndLocationsAndReadsBack() throws {
    let report = RunReport(try MistakeCase(case: "isolate_chain").run(isolate: true))
    let json = report.json
    #expect(json.contains("\"first_wrong\"") && json.contains("\"isolation\"") && json.contains("\"diagnosis\""))
    let decoded = try JSONDecoder().decode(RunReport.self, from: Data(json.utf8))
    #expect(decoded.firstWrong == FirstWrong(layer: "affine", direction: "backward"))
    #expect(decoded.diagnosis == report.diagnosis && decoded.isolation == report.isolation)
    #expect(decoded.comparison?.arrays.first { $0.name == "affine.dx" }?.step == 0)
  }

  @Test func gateBlocksAreReportedOnTheComparisonsEntries() throws {
    let report = RunReport(try MistakeCase(case: "gate_order_gru").run())
    let entry = try #require(report.comparison?.arrays.first { $0.name == "gru.dWx" })
    #expect(entry.gates == ["z", "r", "h"])
    #expect(report.diagnosis?.first?.detail.contains("[r, z, h]") == true)
  }
}
