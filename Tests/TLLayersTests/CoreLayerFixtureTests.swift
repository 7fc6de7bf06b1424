import TLArray
import TLTestSupport
import Testing

@testable import TLLayers

/// Every feed-forward layer against what the book's own classes computed under NumPy 2.4.6:
/// forward out, backward dx, every grad and the dropout mask, in values, shapes and dtypes.
@Suite("Core layers against NumPy fixtures")
struct CoreLayerFixtureTests {
  /// The cases of testdata/gen_layers_core.py, by layer.
  static let cases = [
    "affine_f32", "affine_f64", "affine_x64_w32", "affine_b64", "affine_n1_f32",
    "matmul_f32", "matmul_f64", "matmul_onehot_i32",
    "embedding_f32", "embedding_f64", "embedding_i32_negative", "embedding_u8_w32_dout64",
    "softmax_f32", "softmax_f64", "sigmoid_f32", "sigmoid_f64",
    "softmax_loss_f32", "softmax_loss_f64_onehot", "softmax_loss_label_minus1",
    "sigmoid_loss_f32_i32", "sigmoid_loss_f32_u8", "sigmoid_loss_f64_i64",
    "dropout_f32_seeded", "dropout_f64_mask_given", "dropout_f32_eval",
    "time_embedding_f32_i32", "time_embedding_w64_i64", "time_embedding_u8_repeated",
    "time_embedding_w32_dout64", "time_embedding_t1", "time_embedding_n1",
    "notebook_time_embedding",
    "time_affine_f32", "time_affine_f64", "time_affine_x64_w32", "time_affine_b64",
    "time_affine_n1_t1",
    "time_affine_long_f32", "notebook_time_affine",
    "time_softmax_loss_f32_ignore", "time_softmax_loss_f64_i64", "time_softmax_loss_f32_onehot",
    "time_softmax_loss_t1_u8", "time_softmax_loss_long_f32",
    "time_sigmoid_loss_f32_i64", "time_sigmoid_loss_f64_i32", "time_sigmoid_loss_f32_u8",
    "time_dropout_f32_seeded", "time_dropout_f64_ratio03_mask_given", "time_dropout_f32_eval",
  ]

  @Test("forward, backward, grads and extra outputs match NumPy", arguments: cases)
  func matchesNumPy(_ name: String) throws {
    let fixture = try CoreFixtureCase(name)
    let layer = try fixture.makeLayer()
    let x = try fixture.required("x")
    // float32 paths: rtol 1e-5 / atol 1e-6 (layers.md §10); float64 paths: rtol 1e-10.
    let (rtol, atol) = try fixture.usesFloat32() ? (1e-5, 1e-6) : (1e-10, 1e-12)
    func expectClose(_ actual: NDArray, _ file: String) throws {
      let expected = try fixture.required(file)
      expectAllClose(actual, expected, rtol: rtol, atol: atol, "\(name) \(file)")
      if actual.shape == expected.shape {
        print(
          "CORE-MAXDIFF \(fixture.meta.type) \(name) \(file) \(expected.dtype) \(maxAbsDifference(actual, expected))"
        )
      }
    }

    let signature = try fixture.kind().infer(fixture.config(), ArraySignature(x))
    let out = try layer.forward(x)
    #expect(
      signature == ArraySignature(out),
      "infer said \(signature), forward gave \(ArraySignature(out))")
    try expectClose(out, "out")

    let dx = try layer.backward(fixture.required("dout"))
    if try fixture.array("dx") != nil {
      try expectClose(try #require(dx, "\(name): backward returned nil"), "dx")
    } else {
      #expect(dx == nil, "\(name): integer ids must give a nil dx")
    }
    #expect(layer.paramNames == (try fixture.kind().paramNames))
    for (param, grad) in zip(layer.paramNames, layer.grads) {
      #expect(grad.dtype == layer.params[layer.paramNames.firstIndex(of: param) ?? 0].dtype)
      try expectClose(grad, "d" + param)
    }
    for (extra, array) in layer.extraOutputs { try expectClose(array, extra) }
    if try fixture.array("mask") != nil {
      #expect(
        layer.extraOutputs.map(\.name) == ["mask"], "\(name): the mask must be an extra output")
    }
  }

  @Test("every core kind is registered under the book's class name")
  func registry() {
    let names = [
      "Embedding", "Affine", "MatMul", "Softmax", "Sigmoid", "SoftmaxWithLoss", "SigmoidWithLoss",
      "Dropout", "TimeEmbedding", "TimeAffine", "TimeDropout", "TimeSoftmaxWithLoss",
      "TimeSigmoidWithLoss",
    ]
    for name in names { #expect(LayerRegistry.kind(named: name)?.typeName == name) }
    #expect(coreLayerKinds.map(\.typeName) == names)
    let losses = coreLayerKinds.filter(\.isLoss).map(\.typeName)
    #expect(
      losses == [
        "SoftmaxWithLoss", "SigmoidWithLoss", "TimeSoftmaxWithLoss", "TimeSigmoidWithLoss",
      ])
  }
}
