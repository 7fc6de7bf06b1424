import Foundation
import TLDiagnosis
import TLPipeline
import TLTestSupport
import Testing

/// tl-run's own `--intermediates` taken as the port's: every node of every book model, isolated
/// on them, must pass (a layer rebuilt with its tied params, its drawn dropout mask, its
/// carried or set state; a state edge's `dh` read off the gradients), and nothing is diagnosed.
@Suite struct GraphSelfIsolationTests {
  @Test(arguments: [
    "simple_rnnlm_f32", "rnnlm_f32", "rnnlm_ignore_label_f32", "better_rnnlm_f32", "better_rnnlm_f64",
    "seq2seq_f64", "seq2seq_n1_i32_f32", "peeky_seq2seq_f64", "attention_seq2seq_f32",
  ])
  func everyNodePassesOnTlRunsOwnIntermediates(_ model: String) throws {
    let root = try Fixtures.temporaryDirectory("graph-self-isolation")
    defer { try? FileManager.default.removeItem(at: root) }
    let directory = root.appendingPathComponent(model)
    try FileManager.default.copyItem(at: Fixtures.root.appendingPathComponent("models/\(model)"), to: directory)
    let file = directory.appendingPathComponent("pipeline.json")
    let first = try PipelineRunner.run(try PipelineSpec.load(path: file.path), options: RunOptions(intermediates: true))
    #expect(first.results.contains { $0.name.hasSuffix(".dx") })
    // The outputs just written become the reference; the next run writes elsewhere.
    let data = try Data(contentsOf: file)
    var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    object["reference"] = object["outputs"]
    object["outputs"] = "again"
    try JSONSerialization.data(withJSONObject: object).write(to: file)
    let result = try PipelineRunner.run(try PipelineSpec.load(path: file.path), options: RunOptions(isolate: true))
    let report = try #require(result.diagnosis)
    let verdicts = try #require(report.isolation)
    #expect(report.firstWrong == nil, "\(verdicts.filter { !$0.failing.isEmpty })")
    #expect(verdicts.allSatisfy { $0.forward == .pass }, "\(verdicts)")
    #expect(verdicts.allSatisfy { $0.backward != .fail }, "\(verdicts)")
    #expect(report.diagnosis.isEmpty)
  }
}
