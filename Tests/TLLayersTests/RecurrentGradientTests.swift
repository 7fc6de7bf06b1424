import Foundation
import TLArray
import TLTestSupport
import Testing

@testable import TLLayers

/// Finite differences in float64 against the recurrent and attention backward passes: every
/// grad, dx, and the gradients of the initial state (dh, and dc for LSTM).
///
/// The time layers force hs to float32, which would drown central differences in rounding, so
/// their check projects the float64 hs the computation produces before that cast (the layer
/// itself only casts it, and the fixture tests cover the cast). TimeBiLSTM exposes only float32
/// outputs and is checked through them with a larger step and tolerance.
struct RecurrentGradientTests {
  /// A fixed, smooth float64 state (N,H) for cases whose fixture has none.
  static func state(_ n: Int, _ h: Int, phase: Double) -> NDArray {
    NDArray(
      shape: [n, h], scalars: (0..<(n * h)).map { 0.6 * Foundation.sin(Double($0) * 1.3 + phase) })
  }

  @Test(arguments: [
    (RecurrentArchitecture.rnn, "rnn_f64"), (.gru, "gru_f64"), (.lstm, "lstm_f64"),
    (.lstm, "lstm_state_hc_f64"),
  ])
  func timeLayer(cell: RecurrentArchitecture, caseName: String) throws {
    var arrays = try Dictionary(
      uniqueKeysWithValues: ["Wx", "Wh", "b", "xs"].map {
        ($0, try LayerFixture.load(caseName, $0).astype(.float64))
      })
    let (n, h) = (arrays["xs"]?.shape[0] ?? 0, arrays["Wh"]?.shape[0] ?? 0)
    arrays["h0"] = try LayerFixture.optional(caseName, "h0") ?? Self.state(n, h, phase: 0.2)
    if cell == .lstm {
      arrays["c0"] = try LayerFixture.optional(caseName, "c0") ?? Self.state(n, h, phase: 1.1)
    }
    let dout = try LayerFixture.load(caseName, "dout")

    func run(_ arrays: [String: NDArray]) throws -> RecurrentRun {
      let xs = try #require(arrays["xs"])
      let params = try ["Wx", "Wh", "b"].map { try #require(arrays[$0]) }
      var state = ["h": ArraySignature(try #require(arrays["h0"]))]
      if let c0 = arrays["c0"] { state["c"] = ArraySignature(c0) }
      let shapes = try RecurrentShapes(
        layer: "check", type: cell.timeTypeName, cell: cell, params: arrays,
        xs: ArraySignature(xs), state: state)
      #expect(shapes.dtype == .float64)
      return cell.start(shapes: shapes, xs: xs, params: params, h0: arrays["h0"], c0: arrays["c0"])
    }
    let loss = { (arrays: [String: NDArray]) in
      GradientCheck.projection(try run(arrays).outputs().hs, dout)
    }
    let result = try run(arrays).backward(dhs: dout, dcLast: nil)
    for (name, grad) in zip(["Wx", "Wh", "b"], result.grads) {
      try GradientCheck.expectGradient(name, analytic: grad, of: arrays, loss: loss)
    }
    try GradientCheck.expectGradient("xs", analytic: result.dxs, of: arrays, loss: loss)
    try GradientCheck.expectGradient("h0", analytic: result.dh, of: arrays, loss: loss)
    if cell == .lstm {
      try GradientCheck.expectGradient(
        "c0", analytic: try #require(result.dc), of: arrays, loss: loss)
    }
  }

  @Test(arguments: [
    (RecurrentArchitecture.rnn, "rnn_step_f64"), (.gru, "gru_step_f64"), (.lstm, "lstm_step_f64"),
  ])
  func singleStep(cell: RecurrentArchitecture, caseName: String) throws {
    var names = ["Wx", "Wh", "b", "x", "h_prev"]
    if cell == .lstm { names.append("c_prev") }
    let arrays = try Dictionary(
      uniqueKeysWithValues: names.map { ($0, try LayerFixture.load(caseName, $0)) })
    let dhNext = try LayerFixture.load(caseName, "dout")
    let dcNext = cell == .lstm ? try LayerFixture.load(caseName, "dc_next") : nil

    func run(_ arrays: [String: NDArray]) throws -> (RecurrentStep, h: NDArray, c: NDArray?) {
      let step = RecurrentStep(
        cell, Wx: try #require(arrays["Wx"]), Wh: try #require(arrays["Wh"]),
        b: try #require(arrays["b"]))
      let (h, c) = try step.forward(
        x: try #require(arrays["x"]), hPrev: try #require(arrays["h_prev"]), cPrev: arrays["c_prev"]
      )
      return (step, h, c)
    }
    let loss = { (arrays: [String: NDArray]) in
      let (_, h, c) = try run(arrays)
      return GradientCheck.projection(h, dhNext)
        + (c.map { GradientCheck.projection($0, dcNext ?? dhNext) } ?? 0)
    }
    let (step, _, _) = try run(arrays)
    let (dx, dhPrev, dcPrev) = try step.backward(dhNext: dhNext, dcNext: dcNext)
    for (name, grad) in zip(step.paramNames, step.grads) {
      try GradientCheck.expectGradient(name, analytic: grad, of: arrays, loss: loss)
    }
    try GradientCheck.expectGradient("x", analytic: dx, of: arrays, loss: loss)
    try GradientCheck.expectGradient("h_prev", analytic: dhPrev, of: arrays, loss: loss)
    if cell == .lstm {
      try GradientCheck.expectGradient(
        "c_prev", analytic: try #require(dcPrev), of: arrays, loss: loss)
    }
  }

  @Test func timeAttention() throws {
    let arrays = [
      "hs_enc": try LayerFixture.load("attn_f64", "hs_enc"),
      "xs": try LayerFixture.load("attn_f64", "xs"),
    ]
    let dout = try LayerFixture.load("attn_f64", "dout")
    func run(_ arrays: [String: NDArray]) throws -> (TimeAttention, NDArray) {
      let layer = try TimeAttention(
        config: LayerConfig(name: "attn", inputs: ["hs_enc": try #require(arrays["hs_enc"])]))
      return (layer, try layer.forward(try #require(arrays["xs"])))
    }
    let loss = { (arrays: [String: NDArray]) in GradientCheck.projection(try run(arrays).1, dout) }
    let (layer, _) = try run(arrays)
    let dhsDec = try #require(try layer.backward(dout))
    try GradientCheck.expectGradient("xs", analytic: dhsDec, of: arrays, loss: loss)
    try GradientCheck.expectGradient(
      "hs_enc", analytic: try #require(layer.extraOutputs.first?.array), of: arrays, loss: loss)
  }

  @Test func timeBiLSTM() throws {
    let names = ["Wx1", "Wh1", "b1", "Wx2", "Wh2", "b2"]
    var arrays = try Dictionary(
      uniqueKeysWithValues: names.map { ($0, try LayerFixture.load("bilstm_f64", $0)) })
    arrays["xs"] = try LayerFixture.load("bilstm_f64", "xs").astype(.float64)
    let dout = try LayerFixture.load("bilstm_f64", "dout")
    func run(_ arrays: [String: NDArray]) throws -> (TimeBiLSTM, NDArray) {
      let layer = try TimeBiLSTM(
        config: LayerConfig(name: "bi", params: arrays.filter { $0.key != "xs" }))
      return (layer, try layer.forward(try #require(arrays["xs"])))
    }
    let loss = { (arrays: [String: NDArray]) in GradientCheck.projection(try run(arrays).1, dout) }
    let (layer, _) = try run(arrays)
    let dxs = try #require(try layer.backward(dout))
    // hs is a float32 buffer: a 1e-2 step keeps its rounding (~1e-7) below 1e-4 of the quotient.
    for (name, grad) in zip(names, layer.grads) {
      try GradientCheck.expectGradient(
        name, analytic: grad, of: arrays, eps: 1e-2, rtol: 1e-3, atol: 2e-4, loss: loss)
    }
    try GradientCheck.expectGradient(
      "xs", analytic: dxs, of: arrays, eps: 1e-2, rtol: 1e-3, atol: 2e-4, loss: loss)
  }
}
