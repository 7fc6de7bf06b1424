import Foundation
import TLArray
import TLFormats
import TLGraph
import TLTestSupport
import Testing

/// The forward/backward cases of testdata/models run through ``BookModel`` graphs and
/// ``GraphExecutor``: loss, every raw gradient and every state against NumPy's.
@Suite("Book models as graphs: forward and backward fixtures")
struct BookModelFixtureTests {
  static let cases = [
    "simple_rnnlm_f32", "rnnlm_f32", "seq2seq_f32", "peeky_seq2seq_f32", "attention_seq2seq_f32",
  ]

  @Test("loss, grads and states match NumPy", arguments: cases)
  func fixture(_ name: String) throws {
    let directory = Fixtures.path("models/\(name)")
    let spec = try JSONSerialization.jsonObject(
      with: Data(contentsOf: URL(fileURLWithPath: "\(directory)/pipeline.json")))
    let modelName = try #require((spec as? [String: Any])?["model"] as? String)
    let model = try #require(BookModel(rawValue: modelName))
    let params = Dictionary(uniqueKeysWithValues: try NPZ.readAll(path: "\(directory)/params.npz"))
    let executor = GraphExecutor(nodes: try model.graph(params: params), loss: "loss")
    let inputs = ["xs": try NPY.read(path: "\(directory)/xs.npy"), "ts": try NPY.read(path: "\(directory)/ts.npy")]
    let out = try executor.forward(inputs: inputs)
    try executor.backward()
    var actual = Dictionary(uniqueKeysWithValues: executor.grads + executor.states)
    actual["out"] = out
    let expectedNames = try FileManager.default.contentsOfDirectory(atPath: "\(directory)/expected")
      .filter { $0.hasSuffix(".npy") }.map { String($0.dropLast(4)) }
    #expect(Set(actual.keys) == Set(expectedNames))
    for name in expectedNames.sorted() {
      let expected = try NPY.read(path: "\(directory)/expected/\(name).npy")
      guard let array = actual[name] else { continue }
      expectAllClose(array, expected, rtol: 1e-5, atol: 1e-6, name)
    }
  }
}
