import TLArray
import TLFormats
import TLGraph
import TLLayers
import TLTestSupport
import Testing

/// Each book model's gradients against central differences of its loss, in float64 throughout:
/// the `_f32` fixtures' params and ids, params cast to float64, and the book's float32 `'f'`
/// buffers (hs, dxs, the zero states, the embeddings' out) made float64 by
/// ``LayerBuffers/float``, as testdata/gen_models.py's own check does. ε = 1e-5 (the generator's;
/// the rounding of the loss, ~1e-15, dominates the error of a quotient: ε = 1e-6 measured up to
/// 6e-7); over sampled elements (every param, about 16 each) both the relative norm error and
/// the largest error relative to the largest difference quotient must stay below 1e-6
/// (measured: at most 8e-8, seq2seq's encoder.lstm.Wh; most 1e-8 to 1e-9).
/// BetterRnnlm runs with dropout off; its embedding's gradient is checked as the sum of both uses
/// (embed.dW + affine.dWᵀ), what perturbing the tied `embed.W` measures.
@Suite("Book models: finite-difference gradients (float64)")
struct FiniteDifferenceTests {
  static let models: [(BookModel, String)] = [
    (.simpleRnnlm, "simple_rnnlm_f32"), (.rnnlm, "rnnlm_f32"), (.betterRnnlm, "better_rnnlm_f32"),
    (.seq2seq, "seq2seq_f32"), (.peekySeq2seq, "peeky_seq2seq_f32"), (.attentionSeq2seq, "attention_seq2seq_f32"),
  ]

  static func loss(_ model: BookModel, _ params: [String: NDArray], _ inputs: [String: NDArray]) throws -> Double {
    let executor = GraphExecutor(nodes: try model.graph(params: params, train: false), loss: "loss")
    return try executor.forward(inputs: inputs).double(atFlat: 0)
  }

  @Test("analytic gradients agree with central differences", arguments: models.map(\.1))
  func check(_ fixture: String) throws {
    try LayerBuffers.$float.withValue(.float64) { try checkWide(fixture) }
  }

  func checkWide(_ fixture: String) throws {
    let model = try #require(Self.models.first { $0.1 == fixture }).0
    let directory = Fixtures.path("models/\(fixture)")
    var params = Dictionary(uniqueKeysWithValues: try NPZ.readAll(path: "\(directory)/params.npz"))
    params = params.mapValues { $0.astype(.float64) }
    let inputs = ["xs": try NPY.read(path: "\(directory)/xs.npy"), "ts": try NPY.read(path: "\(directory)/ts.npy")]
    let executor = GraphExecutor(nodes: try model.graph(params: params, train: false), loss: "loss")
    _ = try executor.forward(inputs: inputs)
    try executor.backward()
    let grads = Dictionary(uniqueKeysWithValues: executor.grads)
    let epsilon = 1e-5
    for name in model.paramNames {
      let parts = name.split(separator: ".")
      let gradName = (parts.dropLast() + ["d" + (parts.last ?? "")]).joined(separator: ".")
      var analytic = try #require(grads[gradName], "\(gradName)")
      #expect(analytic.dtype == .float64)
      if model == .betterRnnlm, name == "embed.W", let tied = grads["affine.dW"] {
        analytic = Glue.add(analytic, Glue.transposed(tied))
      }
      let param = try #require(params[name])
      let sampled = Array(Set(stride(from: 0, to: param.count, by: max(param.count / 16, 1)))).sorted()
      var (difference, norm, largestError, largest) = (0.0, 0.0, 0.0, 0.0)
      for index in sampled {
        var values = param.scalars(as: Double.self)
        let original = values[index]
        func perturbed(_ delta: Double) throws -> Double {
          values[index] = original + delta
          var changed = params
          changed[name] = NDArray(shape: param.shape, scalars: values)
          return try Self.loss(model, changed, inputs)
        }
        let numeric = (try perturbed(epsilon) - perturbed(-epsilon)) / (2 * epsilon)
        let error = analytic.double(atFlat: index) - numeric
        difference += error * error
        norm += numeric * numeric
        (largestError, largest) = (max(largestError, Swift.abs(error)), max(largest, Swift.abs(numeric)))
      }
      let relative = difference.squareRoot() / max(norm.squareRoot(), 1e-8)
      let relativeMax = largestError / max(largest, 1e-8)
      #expect(
        relative < 1e-6 && relativeMax < 1e-6, "\(fixture) \(name): relative error \(relative), max \(relativeMax)")
    }
  }

  @Test("the float64 buffers change the loss's bits; without them the book's float32 buffers are back")
  func wideBuffers() throws {
    let directory = Fixtures.path("models/attention_seq2seq_f32")
    let params = Dictionary(uniqueKeysWithValues: try NPZ.readAll(path: "\(directory)/params.npz")).mapValues {
      $0.astype(.float64)
    }
    let inputs = ["xs": try NPY.read(path: "\(directory)/xs.npy"), "ts": try NPY.read(path: "\(directory)/ts.npy")]
    for buffers in [DType.float32, .float64] {
      let loss = try LayerBuffers.$float.withValue(buffers) {
        try Self.loss(.attentionSeq2seq, params, inputs)
      }
      let reference = try LayerBuffers.$float.withValue(.float64) {
        try Self.loss(.attentionSeq2seq, params, inputs)
      }
      #expect(try Self.loss(.attentionSeq2seq, params, inputs) != reference)
      // float32 buffers round hs (the loss moves by ~6e-10 relative); float64 ones are the
      // same run again. Without the task-local value the buffers are float32.
      #expect((loss != reference) == (buffers == .float32))
    }
  }
}
