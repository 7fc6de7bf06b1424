import TLArray
import TLFormats
import TLGraph
import TLTestSupport
import Testing

/// Each book model's gradients against central differences of its loss, in float64 (the
/// `_f32` fixtures' params and ids, params cast to float64). The recurrent layers keep the
/// book's float32 `hs` buffers, whose rounding (~6e-8 of the loss) limits a difference
/// quotient; so ε = 1e-2 and the check is on the relative norm error over sampled elements
/// (< 1e-2), not the generator's 1e-6 (which made those buffers float64). BetterRnnlm runs with
/// dropout off; its embedding's gradient is checked as the sum of both uses (embed.dW +
/// affine.dWᵀ), what perturbing the tied `embed.W` measures.
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
    let model = try #require(Self.models.first { $0.1 == fixture }).0
    let directory = Fixtures.path("models/\(fixture)")
    var params = Dictionary(uniqueKeysWithValues: try NPZ.readAll(path: "\(directory)/params.npz"))
    params = params.mapValues { $0.astype(.float64) }
    let inputs = ["xs": try NPY.read(path: "\(directory)/xs.npy"), "ts": try NPY.read(path: "\(directory)/ts.npy")]
    let executor = GraphExecutor(nodes: try model.graph(params: params, train: false), loss: "loss")
    _ = try executor.forward(inputs: inputs)
    try executor.backward()
    let grads = Dictionary(uniqueKeysWithValues: executor.grads)
    for name in model.paramNames {
      let parts = name.split(separator: ".")
      let gradName = (parts.dropLast() + ["d" + (parts.last ?? "")]).joined(separator: ".")
      var analytic = try #require(grads[gradName], "\(gradName)").astype(.float64)
      if model == .betterRnnlm, name == "embed.W", let tied = grads["affine.dW"] {
        analytic = Glue.add(analytic, Glue.transposed(tied.astype(.float64)))
      }
      let param = try #require(params[name])
      let sampled = Array(Set(stride(from: 0, to: param.count, by: max(param.count / 8, 1)))).sorted()
      var (difference, norm) = (0.0, 0.0)
      for index in sampled {
        var values = param.scalars(as: Double.self)
        let original = values[index]
        func perturbed(_ delta: Double) throws -> Double {
          values[index] = original + delta
          var changed = params
          changed[name] = NDArray(shape: param.shape, scalars: values)
          return try Self.loss(model, changed, inputs)
        }
        let numeric = (try perturbed(1e-2) - perturbed(-1e-2)) / 2e-2
        difference += (analytic.double(atFlat: index) - numeric) * (analytic.double(atFlat: index) - numeric)
        norm += numeric * numeric
      }
      let relative = difference.squareRoot() / max(norm.squareRoot(), 1e-8)
      #expect(relative < 1e-2, "\(fixture) \(name): relative error \(relative)")
    }
  }
}
