import TLArray
import TLTestSupport
import Testing

@testable import TLLayers

/// Every case under testdata/layers against what the book's own classes computed under NumPy
/// 2.4.6 (gen_layers_core.py, gen_layers_recurrent.py): forward out, backward dx, every grad and
/// every extra output, in values, shapes and dtypes. A case's layer comes from the registry by
/// the book class its meta.json names, so a new layer needs a fixture here, not a test: the
/// cases are the directories, and a registered layer without one fails
/// ``everyRegisteredLayerHasAFixture()``.
@Suite("Layers against NumPy fixtures")
struct LayerFixtureTests {
  @Test("forward, backward, grads and extra outputs match NumPy", arguments: try LayerFixture.all())
  func matchesNumPy(_ name: String) throws {
    let fixture = try LayerFixture(name)
    if LayerRegistry.kind(named: fixture.meta.type) != nil {
      try Self.checkLayer(fixture)
    } else if let block = BuildingBlock(rawValue: fixture.meta.type) {
      try block.check(fixture)
    } else {
      Issue.record("\(name): \(fixture.meta.type) is neither a registered layer nor a building block")
    }
    #expect(try fixture.unusedFiles() == [], "\(name): arrays no check read")
  }

  /// A registered layer as the pipeline builds and runs it.
  static func checkLayer(_ fixture: LayerFixture) throws {
    let name = fixture.name
    let kind = try fixture.kind()
    let config = try fixture.config()
    let x = try fixture.chainInput()
    let signature = try kind.infer(config, ArraySignature(x))
    let layer = try kind.make(config)
    #expect(layer.typeName == kind.typeName && layer.paramNames == kind.paramNames(for: config.options))
    let dout = try fixture.required("dout")
    // Results are held to their own dtype's tolerance, or to the least precise float input's
    // where meta.json says so; final states follow the least precise of x, params and state.
    let arrayOptions = config.options.values.values.compactMap { value -> NDArray? in
      if case .array(let array) = value { array } else { nil }
    }
    let inputs = [x, dout] + layer.params + arrayOptions
    let computedIn =
      fixture.meta.precisionOfInputs == true ? LayerFixture.leastPrecise(inputs) : DType.float64
    let stateInputs = [x] + layer.params + Array(config.state.values)
    let stateComputedIn = computedIn == .float32 ? computedIn : LayerFixture.leastPrecise(stateInputs)

    let out = try layer.forward(x)
    #expect(signature == ArraySignature(out), "\(name): infer said \(signature), forward gave \(ArraySignature(out))")
    try fixture.expectMatches(out, "out", computedIn: computedIn)
    let dx = try layer.backward(dout)
    if try fixture.array("dx") != nil {
      try fixture.expectMatches(dx, "dx", computedIn: computedIn)
    } else {
      #expect(dx == nil, "\(name): integer ids must give a nil dx")
    }
    for (index, (param, grad)) in zip(layer.paramNames, layer.grads).enumerated() {
      #expect(grad.dtype == layer.params[index].dtype, "\(name): d\(param) is not in its param's dtype")
      try fixture.expectMatches(grad, "d" + param, computedIn: computedIn)
    }
    for (extra, array) in layer.extraOutputs {
      try fixture.expectMatches(array, extra, computedIn: stateComputedIn)
    }
  }

  @Test func everyRegisteredLayerHasAFixture() throws {
    let types = Set(try LayerFixture.all().map { try LayerFixture($0).meta.type })
    for kind in LayerRegistry.kinds {
      #expect(types.contains(kind.typeName), "\(kind.typeName) has no case under testdata/layers")
    }
    for block in BuildingBlock.allCases {
      #expect(types.contains(block.rawValue), "\(block.rawValue) has no case under testdata/layers")
      #expect(LayerRegistry.kind(named: block.rawValue) == nil, "\(block.rawValue) is a building block")
    }
  }

  /// The registry's names, order and losses are the book's; its param orders too (every other
  /// framework packs these differently). A new layer may join the lists anywhere without a
  /// change here: the ones below keep their names, their order and whether they are losses.
  @Test func registryUsesTheBookNames() {
    let core = [
      "Embedding", "Affine", "MatMul", "Softmax", "Sigmoid", "SoftmaxWithLoss", "SigmoidWithLoss",
      "Dropout", "TimeEmbedding", "TimeAffine", "TimeDropout", "TimeSoftmaxWithLoss",
      "TimeSigmoidWithLoss",
    ]
    let losses: Set = ["SoftmaxWithLoss", "SigmoidWithLoss", "TimeSoftmaxWithLoss", "TimeSigmoidWithLoss"]
    for name in core {
      #expect(LayerRegistry.kind(named: name)?.typeName == name)
      #expect(LayerRegistry.kind(named: name)?.isLoss == losses.contains(name), "\(name)")
    }
    #expect(coreLayerKinds.map(\.typeName).filter(core.contains) == core)
    #expect(Set(LayerRegistry.kinds.map(\.typeName)).count == LayerRegistry.kinds.count, "a type registered twice")
    #expect(LayerRegistry.kind(named: "TimeBiLSTM")?.paramNames == ["Wx1", "Wh1", "b1", "Wx2", "Wh2", "b2"])
    for name in ["TimeRNN", "TimeLSTM", "TimeGRU"] {
      #expect(LayerRegistry.kind(named: name)?.paramNames == ["Wx", "Wh", "b"])
    }
  }
}
