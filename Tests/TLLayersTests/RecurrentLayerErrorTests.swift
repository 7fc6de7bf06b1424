import TLArray
import TLTestSupport
import Testing

@testable import TLLayers

/// Bad shapes, dtypes and configs throw a LayerError naming the layer and both shapes; nothing
/// traps. Also the dtype of a backward whose dhs is wider than the forward.
struct RecurrentLayerErrorTests {
  static func zeros(_ shape: [Int], _ dtype: DType = .float32) -> NDArray {
    NDArray(zeros: dtype, shape: shape)
  }

  static func lstmParams(d: Int = 3, h: Int = 5, wx: [Int]? = nil) -> [String: NDArray] {
    ["Wx": zeros(wx ?? [d, 4 * h]), "Wh": zeros([h, 4 * h]), "b": zeros([4 * h])]
  }

  /// (type, config, xs shape, xs dtype, expected message fragment)
  static let inferCases: [(String, LayerConfig, [Int], DType, String)] = [
    (
      "TimeLSTM", LayerConfig(name: "enc", params: lstmParams(wx: [3, 16])), [2, 4, 3], .float32,
      "enc TimeLSTM Wx of shape (3,16) does not fit xs of shape (2,4,3) and Wh of shape (5,20): expects Wx of shape (D,4H) = (3,20)"
    ),
    (
      "TimeLSTM", LayerConfig(name: "enc", params: lstmParams()), [2, 3], .float32,
      "expects xs of shape (N,T,D), got (2,3)"
    ),
    (
      "TimeLSTM", LayerConfig(name: "enc", params: lstmParams()), [2, 0, 3], .float32,
      "expects at least one time step"
    ),
    (
      "TimeLSTM", LayerConfig(name: "enc", params: lstmParams(), state: ["h": zeros([2, 4])]),
      [2, 4, 3], .float32, "expects state h of shape (N,H) = (2,5), got (2,4)"
    ),
    (
      "TimeLSTM", LayerConfig(name: "enc", params: ["Wx": zeros([3, 20]), "b": zeros([20])]),
      [2, 4, 3], .float32, "needs param Wh"
    ),
    (
      "TimeGRU",
      LayerConfig(
        name: "g", params: ["Wx": zeros([3, 15]), "Wh": zeros([5, 15]), "b": zeros([12])]),
      [2, 4, 3], .float32, "b of shape (12,) does not fit Wh of shape (5,15): expects b of shape (3H,) = (15,)"
    ),
    (
      "TimeGRU",
      LayerConfig(
        name: "g", params: ["Wx": zeros([3, 15]), "Wh": zeros([5, 15]), "b": zeros([15])],
        state: ["c": zeros([2, 5])]), [2, 4, 3], .float32, "takes state h, not c"
    ),
    (
      "TimeRNN",
      LayerConfig(
        name: "r", params: ["Wx": zeros([3, 5], .int32), "Wh": zeros([5, 5]), "b": zeros([5])]),
      [2, 4, 3], .float32, "expects Wx of dtype float32 or float64, got int32"
    ),
    (
      "TimeRNN",
      LayerConfig(
        name: "r", params: ["Wx": zeros([3, 5]), "Wh": zeros([5, 4]), "b": zeros([5])]), [2, 4, 3],
      .float32, "expects Wh of shape (H,H), got (5,4)"
    ),
    (
      "TimeBiLSTM",
      LayerConfig(
        name: "bi",
        params: lstmParams().reduce(into: [:]) {
          $0[$1.key + "1"] = $1.value
          $0[$1.key + "2"] = zeros($1.value.shape.map { $0 == 5 ? 4 : $0 == 20 ? 16 : $0 })
        }), [2, 4, 3], .float32, "expects Wh2 of shape (H,4H) = (5,20) like Wh1, got (4,16)"
    ),
    (
      "TimeAttention", LayerConfig(name: "attn", inputs: ["hs_enc": zeros([2, 6, 5])]), [2, 3, 4],
      .float32, "expects hs_dec of shape (2,T_dec,5), got (2,3,4)"
    ),
    ("TimeAttention", LayerConfig(name: "attn"), [2, 3, 4], .float32, "needs input hs_enc"),
  ]

  @Test(arguments: inferCases)
  func inferAndForwardThrow(
    type: String, config: LayerConfig, shape: [Int], dtype: DType, fragment: String
  ) throws {
    let kind = try #require(LayerRegistry.kind(named: type))
    let xs = Self.zeros(shape, dtype)
    let inferError = #expect(throws: LayerError.self) { try kind.infer(config, ArraySignature(xs)) }
    #expect(
      inferError?.description.contains(fragment) == true, "\(inferError?.description ?? "no error")"
    )
    #expect(inferError?.layer == config.name && inferError?.type == type)
    // The same data reaching forward (or make) throws too, never traps.
    let runError = #expect(throws: LayerError.self) { _ = try kind.make(config).forward(xs) }
    #expect(
      runError?.description.contains(fragment) == true, "\(runError?.description ?? "no error")")
  }

  @Test func badBackwardShapesThrow() throws {
    let lstm = try TimeRecurrentLayer(
      .lstm, config: LayerConfig(name: "enc", params: Self.lstmParams()))
    _ = try lstm.forward(Self.zeros([2, 4, 3]))
    #expect(throws: LayerError.self) { try lstm.backward(Self.zeros([2, 4, 4])) }
    #expect(throws: LayerError.self) { try lstm.backward(Self.zeros([2, 4, 5], .int64)) }
    let attention = try TimeAttention(
      config: LayerConfig(name: "attn", inputs: ["hs_enc": Self.zeros([2, 6, 5])]))
    _ = try attention.forward(Self.zeros([2, 3, 5]))
    #expect(throws: LayerError.self) { try attention.backward(Self.zeros([2, 2, 5])) }
    let step = RecurrentStep(
      .lstm, Wx: Self.zeros([3, 20]), Wh: Self.zeros([5, 20]), b: Self.zeros([20]))
    #expect(throws: LayerError.self) {
      try step.forward(x: Self.zeros([2, 3]), hPrev: Self.zeros([2, 5]))
    }
    let weightSum = WeightSum()
    #expect(throws: LayerError.self) {
      try weightSum.forward(hs: Self.zeros([2, 4, 3]), a: Self.zeros([2, 5]))
    }
  }

  /// NumPy promotes the whole backward when dhs is float64 after a float32 forward: dh becomes
  /// float64 while dxs stays a float32 buffer and grads keep their params' dtype.
  @Test func float64DhsWidensTheBackward() throws {
    let caseName = "lstm_f32"
    let params = try Dictionary(
      uniqueKeysWithValues: ["Wx", "Wh", "b"].map { ($0, try LayerFixture.load(caseName, $0)) })
    let layer = try TimeRecurrentLayer(.lstm, config: LayerConfig(name: "enc", params: params))
    _ = try layer.forward(try LayerFixture.load(caseName, "xs"))
    let dx = try #require(
      try layer.backward(try LayerFixture.load(caseName, "dout").astype(.float64)))
    let extras = Dictionary(uniqueKeysWithValues: layer.extraOutputs.map { ($0.name, $0.array) })
    #expect(extras["dh"]?.dtype == .float64 && extras["h"]?.dtype == .float32)
    expectAllClose(dx, try LayerFixture.load(caseName, "dx"), rtol: 1e-5, atol: 1e-6)
    expectAllClose(
      try #require(extras["dh"]), try LayerFixture.load(caseName, "dh").astype(.float64),
      rtol: 1e-5, atol: 1e-6)
    #expect(layer.grads.map(\.dtype) == [.float32, .float32, .float32])
  }
}
