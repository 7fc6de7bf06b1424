import TLArray
import TLTestSupport
import Testing

@testable import TLLayers

/// The `layout` option of TimeLSTM and TimeGRU (pipeline.md §8): finite differences in float64
/// against the grads in the framework's names, and the errors (a layout a cell refuses, wrong
/// shapes named by the framework's params, the book's names given with a layout). The
/// forward, backward and every grad against NumPy are the fixture cases `*_pytorch_*` and
/// `*_keras_*`.
struct RecurrentLayoutTests {
  static func zeros(_ shape: [Int], _ dtype: DType = .float32) -> NDArray {
    NDArray(zeros: dtype, shape: shape)
  }

  static func pytorchParams(d: Int = 3, h: Int = 5, ih: [Int]? = nil, hh: [Int]? = nil) -> [String: NDArray] {
    [
      "weight_ih_l0": zeros(ih ?? [4 * h, d]), "weight_hh_l0": zeros(hh ?? [4 * h, h]),
      "bias_ih_l0": zeros([4 * h]), "bias_hh_l0": zeros([4 * h]),
    ]
  }

  static func kerasParams(gates: Int, d: Int = 3, h: Int = 5, bias: Int? = nil) -> [String: NDArray] {
    ["kernel": zeros([d, gates * h]), "recurrent_kernel": zeros([h, gates * h]), "bias": zeros([bias ?? gates * h])]
  }

  /// The grads in the framework's names against central differences of Σ hs ⊙ dout, hs in
  /// float64 before the layer's float32 cast, the params perturbed in the framework's layout.
  @Test(arguments: ["lstm_pytorch_f64", "lstm_keras_f64", "gru_keras_f64"])
  func finiteDifferences(caseName: String) throws {
    let fixture = try LayerFixture(caseName)
    let cell: RecurrentArchitecture = fixture.meta.type == "TimeGRU" ? .gru : .lstm
    let config = try fixture.config()
    let layout = try #require(try RecurrentLayout.chosen(config, cell))
    var arrays = config.params
    arrays["xs"] = try fixture.required("xs")
    let dout = try fixture.required("dout")
    let check = LayerCheck(layer: caseName, type: cell.timeTypeName)

    func run(_ arrays: [String: NDArray]) throws -> (RecurrentRun, Int) {
      let xs = try #require(arrays["xs"])
      let (framework, h) = try layout.check(arrays, xs: ArraySignature(xs), gates: cell.gates, check: check)
      let book = layout.bookParams(framework, h: h)
      let shapes = try RecurrentShapes(
        layer: caseName, type: cell.timeTypeName, cell: cell,
        params: Dictionary(uniqueKeysWithValues: zip(["Wx", "Wh", "b"], book)), xs: ArraySignature(xs))
      #expect(shapes.dtype == .float64)
      return (cell.start(shapes: shapes, xs: xs, params: book, state: [:]), h)
    }
    let loss = { (arrays: [String: NDArray]) in GradientCheck.projection(try run(arrays).0.outputs().hs, dout) }
    let (forward, h) = try run(arrays)
    let result = forward.backward(dhs: dout, dcLast: nil)
    let framework = layout.paramNames.map { arrays[$0] ?? Self.zeros([0]) }
    let grads = layout.frameworkGrads(result.grads, params: framework, h: h)
    for (name, grad) in zip(layout.paramNames, grads) {
      #expect(grad.shape == arrays[name]?.shape, "\(caseName): d\(name) is not in \(name)'s shape")
      try GradientCheck.expectGradient(name, analytic: grad, of: arrays, loss: loss)
    }
  }

  /// PyTorch's GRU is refused with the reason, by the layer and by the option's own check.
  @Test func pytorchGRUIsRefused() throws {
    let kind = try #require(LayerRegistry.kind(named: "TimeGRU"))
    let option = try #require(kind.options.first { $0.name == "layout" })
    let message = try #require(option.validate(.string("pytorch")))
    #expect(message.contains("PyTorch's GRU applies the reset gate after the recurrent product"))
    #expect(option.validate(.string("keras")) == nil)
    let config = LayerConfig(name: "g", params: Self.pytorchParams(), options: ["layout": .string("pytorch")])
    #expect {
      _ = try kind.infer(config, ArraySignature(shape: [2, 4, 3], dtype: .float32))
    } throws: { error in
      "\(error)".hasPrefix("g TimeGRU refuses \"layout\": \"pytorch\": PyTorch's GRU applies the reset gate")
    }
    #expect(throws: LayerError.self) { _ = try kind.make(config) }
    #expect(LayerRegistry.kind(named: "TimeRNN")?.options.isEmpty == true)
  }

  /// The kind names the params by the layout chosen.
  @Test func paramNamesFollowTheLayout() throws {
    let lstm = try #require(LayerRegistry.kind(named: "TimeLSTM"))
    let gru = try #require(LayerRegistry.kind(named: "TimeGRU"))
    #expect(lstm.paramNames(for: [:]) == ["Wx", "Wh", "b"])
    #expect(
      lstm.paramNames(for: ["layout": .string("pytorch")]) == [
        "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
      ])
    #expect(lstm.paramNames(for: ["layout": .string("keras")]) == ["kernel", "recurrent_kernel", "bias"])
    #expect(gru.paramNames(for: ["layout": .string("keras")]) == ["kernel", "recurrent_kernel", "bias"])
  }

  /// (type, layout, params, xs shape, expected message)
  static let shapeCases: [(String, String, [String: NDArray], [Int], String)] = [
    (
      "TimeLSTM", "pytorch", pytorchParams(ih: [3, 20]), [2, 4, 3],
      "l TimeLSTM weight_ih_l0 of shape (3,20) does not fit xs of shape (2,4,3) and weight_hh_l0 of shape (20,5): expects weight_ih_l0 of shape (4H,D) = (20,3)"
    ),
    (
      "TimeLSTM", "pytorch", pytorchParams(hh: [5, 20]), [2, 4, 3],
      "l TimeLSTM expects weight_hh_l0 of shape (4H,H), got (5,20)"
    ),
    (
      "TimeLSTM", "pytorch", pytorchParams().merging(["bias_hh_l0": zeros([5])]) { $1 }, [2, 4, 3],
      "l TimeLSTM bias_hh_l0 of shape (5,) does not fit weight_hh_l0 of shape (20,5): expects bias_hh_l0 of shape (4H,) = (20,)"
    ),
    (
      "TimeLSTM", "keras", kerasParams(gates: 4, bias: 16), [2, 4, 3],
      "l TimeLSTM bias of shape (16,) does not fit recurrent_kernel of shape (5,20): expects bias of shape (4H,) = (20,)"
    ),
    (
      "TimeGRU", "keras", kerasParams(gates: 3, d: 4), [2, 4, 3],
      "l TimeGRU kernel of shape (4,15) does not fit xs of shape (2,4,3) and recurrent_kernel of shape (5,15): expects kernel of shape (D,3H) = (3,15)"
    ),
    (
      "TimeGRU", "keras", kerasParams(gates: 4), [2, 4, 3],
      "l TimeGRU expects recurrent_kernel of shape (H,3H), got (5,20)"
    ),
    (
      "TimeLSTM", "pytorch", pytorchParams(hh: [20]), [2, 4, 3],
      "l TimeLSTM expects weight_hh_l0 of shape (4H,H), got (20,)"
    ),
    (
      "TimeLSTM", "keras", LayerRecurrentBookParams.lstm, [2, 4, 3], "l TimeLSTM missing param kernel"
    ),
    (
      "TimeLSTM", "keras", kerasParams(gates: 4).merging(["kernel": zeros([3, 20], .int32)]) { $1 }, [2, 4, 3],
      "l TimeLSTM expects kernel of dtype float32 or float64, got int32"
    ),
  ]

  @Test(arguments: 0..<shapeCases.count)
  func shapeErrorsNameTheFrameworkParams(index: Int) throws {
    let (type, layout, params, xs, message) = Self.shapeCases[index]
    let kind = try #require(LayerRegistry.kind(named: type))
    let config = LayerConfig(name: "l", params: params, options: ["layout": .string(layout)])
    #expect {
      _ = try kind.infer(config, ArraySignature(shape: xs, dtype: .float32))
    } throws: { error in
      "\(error)" == message
    }
  }

  /// The layer checks xs against the framework's params in forward too (no infer before it).
  @Test func forwardChecksXs() throws {
    let kind = try #require(LayerRegistry.kind(named: "TimeLSTM"))
    let layer = try kind.make(
      LayerConfig(name: "l", params: Self.pytorchParams(), options: ["layout": .string("pytorch")]))
    #expect(layer.paramNames == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"])
    #expect {
      _ = try layer.forward(Self.zeros([2, 4, 7]))
    } throws: { error in
      "\(error)".contains("expects weight_ih_l0 of shape (4H,D) = (20,7)")
    }
  }
}

/// The book's names, which a layout does not take.
enum LayerRecurrentBookParams {
  static let lstm: [String: NDArray] = [
    "Wx": NDArray(zeros: .float32, shape: [3, 20]), "Wh": NDArray(zeros: .float32, shape: [5, 20]),
    "b": NDArray(zeros: .float32, shape: [20]),
  ]
}
