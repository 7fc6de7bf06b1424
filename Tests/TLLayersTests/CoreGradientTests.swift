import TLArray
import TLTestSupport
import Testing

@testable import TLLayers

/// Finite differences in float64 against every core layer's backward (dx and every grad),
/// on the float64 fixture cases.
@Suite("Core layers: finite-difference gradients")
struct CoreGradientTests {
  /// (case, step, rtol). TimeEmbedding and TimeSigmoidWithLoss write float32 buffers (out, dx),
  /// so their differences need a larger step and a float32-sized tolerance. The cross-entropy
  /// losses add 1e-7 inside the log but their backward ignores it (docs/layers.md §4.4), which shows
  /// at ~3e-6 relative for SigmoidWithLoss.
  static let cases: [(String, Double, Double)] = [
    ("affine_f64", 1e-6, 1e-6), ("matmul_f64", 1e-6, 1e-6), ("embedding_f64", 1e-6, 1e-6),
    ("softmax_f64", 1e-6, 1e-6), ("sigmoid_f64", 1e-6, 1e-6),
    ("softmax_loss_f64_onehot", 1e-6, 1e-6), ("sigmoid_loss_f64_i64", 1e-6, 1e-5),
    ("dropout_f64_mask_given", 1e-6, 1e-6), ("dropout_f32_eval", 1e-3, 1e-3),
    ("time_embedding_w64_i64", 1e-2, 1e-4), ("time_embedding_n1", 1e-2, 1e-4),
    ("time_affine_f64", 1e-6, 1e-6), ("notebook_time_affine", 1e-6, 1e-6),
    ("time_softmax_loss_f64_i64", 1e-6, 1e-6), ("time_sigmoid_loss_f64_i32", 1e-6, 1e-5),
    ("time_dropout_f64_ratio03_mask_given", 1e-6, 1e-6),
  ]

  @Test("backward agrees with central differences", arguments: cases)
  func gradients(_ name: String, _ eps: Double, _ rtol: Double) throws {
    let fixture = try LayerFixture(name)
    let kind = try fixture.kind()
    let x = try fixture.required("x")
    let dout = try fixture.required("dout")
    var arrays: [String: NDArray] = [:]
    for param in kind.paramNames { arrays[param] = try fixture.required(param).astype(.float64) }
    if x.dtype.isFloatingPoint { arrays["x"] = x.astype(.float64) }

    func run(_ arrays: [String: NDArray]) throws -> (layer: any Layer, out: NDArray) {
      var config = try fixture.config()
      for param in kind.paramNames { config.params[param] = arrays[param] }
      let layer = try kind.make(config)
      return (layer, try layer.forward(arrays["x"] ?? x))
    }
    let loss = { (arrays: [String: NDArray]) in GradientCheck.projection(try run(arrays).out, dout)
    }

    let (layer, _) = try run(arrays)
    let dx = try layer.backward(dout)
    for (param, grad) in zip(layer.paramNames, layer.grads) {
      try GradientCheck.expectGradient(
        param, analytic: grad, of: arrays, eps: eps, rtol: rtol, loss: loss)
    }
    if arrays["x"] != nil {
      let analytic = try #require(dx, "\(name): float input must give a dx")
      try GradientCheck.expectGradient(
        "x", analytic: analytic, of: arrays, eps: eps, rtol: rtol, loss: loss)
    }
  }
}
