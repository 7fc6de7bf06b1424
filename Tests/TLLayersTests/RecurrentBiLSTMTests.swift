import TLArray
import TLTestSupport
import Testing

@testable import TLLayers

/// TimeBiLSTM against the book's class: forward-direction features first, float32 out and dxs,
/// the six grads in their params' dtypes.
struct RecurrentBiLSTMTests {
  static let paramNames = ["Wx1", "Wh1", "b1", "Wx2", "Wh2", "b2"]

  @Test(arguments: ["bilstm_f32", "bilstm_f64", "bilstm_mixed_w64_x32", "bilstm_n1_t1"])
  func matchesNumPy(caseName: String) throws {
    let params = try Dictionary(
      uniqueKeysWithValues: Self.paramNames.map { ($0, try RecurrentFixture.load(caseName, $0)) })
    let config = LayerConfig(name: "bi", params: params)
    let kind = try #require(LayerRegistry.kind(named: "TimeBiLSTM"))
    let xs = try RecurrentFixture.load(caseName, "xs")
    let h = params["Wh1"]?.shape[0] ?? 0
    #expect(
      try kind.infer(config, ArraySignature(xs))
        == ArraySignature(shape: [xs.shape[0], xs.shape[1], 2 * h], dtype: .float32))
    let layer = try kind.make(config)
    #expect(layer.paramNames == Self.paramNames)
    try RecurrentFixture.expectMatches(try layer.forward(xs), caseName, "out")
    try RecurrentFixture.expectMatches(
      try layer.backward(try RecurrentFixture.load(caseName, "dout")), caseName, "dx")
    for (name, grad) in zip(layer.paramNames, layer.grads) {
      try RecurrentFixture.expectMatches(grad, caseName, "d" + name)
    }
    #expect(layer.extraOutputs.isEmpty)
  }
}
