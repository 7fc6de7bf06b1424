import Foundation
import TLArray
import TLFormats
import TLGraph
import TLLayers
import TLTestSupport
import Testing

/// ``GraphInference`` predicts what ``GraphExecutor`` computes: for each book model (the
/// float32 forward/backward fixtures, and BetterRnnlm's dropout), every value's inferred shape
/// and dtype is the computed value's; and a stateful layer's carried state is checked against
/// the next batch.
@Suite("Graph inference: signatures before compute")
struct GraphInferenceUnitTests {
  static let cases = [
    "simple_rnnlm_f32", "rnnlm_f32", "better_rnnlm_f32", "seq2seq_f32", "peeky_seq2seq_f32", "attention_seq2seq_f32",
  ]

  static func load(_ name: String) throws -> (BookModel, [String: NDArray], [String: NDArray]) {
    let directory = Fixtures.path("models/\(name)")
    let spec = try JSONSerialization.jsonObject(
      with: Data(contentsOf: URL(fileURLWithPath: "\(directory)/pipeline.json")))
    let modelName = try #require((spec as? [String: Any])?["model"] as? String)
    let model = try #require(BookModel(rawValue: modelName))
    let params = Dictionary(uniqueKeysWithValues: try NPZ.readAll(path: "\(directory)/params.npz"))
    let inputs = ["xs": try NPY.read(path: "\(directory)/xs.npy"), "ts": try NPY.read(path: "\(directory)/ts.npy")]
    return (model, params, inputs)
  }

  @Test("every inferred signature is the computed one", arguments: cases)
  func inferenceMatchesCompute(_ name: String) throws {
    let (model, params, inputs) = try Self.load(name)
    let nodes = try model.graph(params: params)
    var inference = GraphInference()
    try inference.infer(nodes, inputs: inputs)
    let executor = GraphExecutor(nodes: nodes, loss: "loss", seed: 0)
    _ = try executor.forward(inputs: inputs)
    #expect(Set(inference.signatures.keys) == Set(executor.values.keys))
    for (value, array) in executor.values {
      #expect(inference.signatures[value] == ArraySignature(array), "\(name): \(value)")
    }
  }

  /// Rnnlm's LSTM is stateful: a second batch of another N does not fit the state it carries;
  /// one of the same N does.
  @Test func theCarriedStateMustFitTheNextBatch() throws {
    let (model, params, inputs) = try Self.load("rnnlm_f32")
    let nodes = try model.graph(params: params)
    var inference = GraphInference()
    try inference.infer(nodes, inputs: inputs)
    try inference.infer(nodes, inputs: inputs)
    let n = try #require(inputs["xs"]).shape[0]
    let other = NDArray(zeros: .int32, shape: [n + 1, 2])
    #expect(throws: GraphError.self) { try inference.infer(nodes, inputs: ["xs": other, "ts": other]) }
    var fresh = GraphInference()
    try fresh.infer(nodes, inputs: ["xs": other, "ts": other])
  }
}
