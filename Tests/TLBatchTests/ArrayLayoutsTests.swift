import Foundation
import TLPipeline
import TLReportHTML
import TLTestSupport
import Testing

@testable import TLBatch

/// Which results the page draws in gate blocks or as (N, T, H), read from the pipeline's layers.
@Suite struct ArrayLayoutsTests {
  func layouts(_ relative: String) throws -> ArrayLayouts {
    ArrayLayouts(try PipelineSpec.load(path: Fixtures.repositoryRoot.appendingPathComponent(relative).path))
  }

  @Test func aTimeLSTMChainsParamsAreGateBlocksAndItsOutputIsTime() throws {
    let lstm = try layouts("pipelines/lstm_h5/pipeline.json")
    for name in ["lstm.dWx", "lstm.dWh", "lstm.db"] { #expect(lstm.layout(of: name, rank: 2) == .lstmGates) }
    #expect(lstm.layout(of: "out", rank: 3) == .timeSeries)
    #expect(lstm.layout(of: "lstm.h", rank: 2) == .plain)
    // PyTorch's layout names its params otherwise and orders the gates [i, f, g, o]: plain.
    let pytorch = try layouts("pipelines/lstm_pytorch/pipeline.json")
    #expect(pytorch.layout(of: "lstm.dweight_ih_l0", rank: 2) == .plain)
    #expect(pytorch.layout(of: "out", rank: 3) == .timeSeries)
  }

  @Test func graphsAndModelsFindTheirLSTMs() throws {
    let graph = try layouts("pipelines/graph_rnnlm/pipeline.json")
    #expect(graph.layout(of: "lstm.dWx", rank: 2) == .lstmGates)
    #expect(graph.layout(of: "embed.dW", rank: 2) == .plain)
    let model = try layouts("testdata/models/attention_seq2seq_f32/pipeline.json")
    #expect(model.layout(of: "decoder.lstm.db", rank: 1) == .lstmGates)
    #expect(model.layout(of: "encoder.lstm.dWh", rank: 2) == .lstmGates)
    #expect(model.layout(of: "decoder.affine.dW", rank: 2) == .plain)
  }

  @Test func aTimeGRUsParamsAreZRH() throws {
    let directory = try Fixtures.temporaryDirectory("layouts")
    defer { try? FileManager.default.removeItem(at: directory) }
    let pipeline = directory.appendingPathComponent("pipeline.json")
    let text = """
      {"version": 1, "input": "xs.npy", "layers": [
        {"name": "gru", "type": "TimeGRU", "params": {"Wx": "Wx.npy", "Wh": "Wh.npy", "b": "b.npy"}},
        {"name": "affine", "type": "TimeAffine", "params": {"W": "W.npy", "b": "b2.npy"}}],
       "dout": "dout.npy"}
      """
    try Data(text.utf8).write(to: pipeline)
    let gru = ArrayLayouts(try PipelineSpec.load(path: pipeline.path))
    #expect(gru.layout(of: "gru.dWx", rank: 2) == .gruGates)
    #expect(gru.layout(of: "affine.db", rank: 1) == .plain)
    #expect(gru.layout(of: "dx", rank: 3) == .timeSeries)
  }
}
