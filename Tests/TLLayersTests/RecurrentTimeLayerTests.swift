import TLArray
import TLTestSupport
import Testing

@testable import TLLayers

/// TimeRNN, TimeLSTM and TimeGRU against the NumPy port of the book's classes: forward hs,
/// backward dxs, every grad, final h (and c) and dh, with their dtypes.
struct RecurrentTimeLayerTests {
  static let cases: [(RecurrentArchitecture, String)] =
    [
      (.rnn, "rnn"), (.lstm, "lstm"), (.gru, "gru"),
    ].flatMap { cell, prefix in
      ["f32", "f64", "mixed_w64_x32", "n1", "t1", "state_h", "state_h64_w32", "long"].map {
        (cell, "\(prefix)_\($0)")
      }
    } + [
      (.lstm, "lstm_state_hc"), (.lstm, "lstm_state_hc_f64"), (.lstm, "lstm_wide"),
      (.lstm, "lstm_saturated"),
    ]

  /// Builds the layer a case describes, with its params and initial state.
  static func layer(_ cell: RecurrentArchitecture, _ caseName: String) throws -> TimeRecurrentLayer {
    var state: [String: NDArray] = [:]
    if let h0 = try RecurrentFixture.optional(caseName, "h0") { state["h"] = h0 }
    if let c0 = try RecurrentFixture.optional(caseName, "c0") { state["c"] = c0 }
    let params = try Dictionary(
      uniqueKeysWithValues: ["Wx", "Wh", "b"].map { ($0, try RecurrentFixture.load(caseName, $0)) })
    return try TimeRecurrentLayer(
      cell, config: LayerConfig(name: "rec", params: params, state: state))
  }

  @Test(arguments: cases)
  func matchesNumPy(cell: RecurrentArchitecture, caseName: String) throws {
    let layer = try Self.layer(cell, caseName)
    // Long chains (T = 24) accumulate float32 rounding through many steps: atol 1e-5 there.
    let atol32 = caseName.hasSuffix("long") ? 1e-5 : 1e-6
    let xs = try RecurrentFixture.load(caseName, "xs")
    let inputs = [xs] + layer.params + Array(layer.state.values)
    let computedIn: DType = inputs.contains { $0.dtype == .float32 } ? .float32 : .float64
    let kind = try #require(LayerRegistry.kind(named: cell.timeTypeName))
    let config = LayerConfig(
      name: "rec", params: Dictionary(uniqueKeysWithValues: zip(layer.paramNames, layer.params)),
      state: layer.state)
    #expect(
      try kind.infer(config, ArraySignature(xs))
        == ArraySignature(
          shape: [xs.shape[0], xs.shape[1], layer.params[1].shape[0]], dtype: .float32))

    let out = try layer.forward(xs)
    try RecurrentFixture.expectMatches(out, caseName, "out", atol32: atol32)
    let dx = try layer.backward(try RecurrentFixture.load(caseName, "dout"))
    try RecurrentFixture.expectMatches(dx, caseName, "dx", atol32: atol32)
    for (name, grad) in zip(layer.paramNames, layer.grads) {
      try RecurrentFixture.expectMatches(grad, caseName, "d" + name, atol32: atol32)
    }
    let extras = Dictionary(uniqueKeysWithValues: layer.extraOutputs.map { ($0.name, $0.array) })
    #expect(Set(extras.keys) == (cell == .lstm ? ["h", "c", "dh"] : ["h", "dh"]))
    for name in extras.keys.sorted() {
      try RecurrentFixture.expectMatches(extras[name], caseName, name, atol32: atol32, computedIn: computedIn)
    }
  }

  /// The tape views xs and the params in place when their dtype is the computation's: forward
  /// and backward must leave every input exactly as it was.
  @Test(arguments: [(RecurrentArchitecture.rnn, "rnn_f32"), (.lstm, "lstm_f64"), (.gru, "gru_f32")])
  func inputsAreNotWritten(cell: RecurrentArchitecture, caseName: String) throws {
    let layer = try Self.layer(cell, caseName)
    let xs = try RecurrentFixture.load(caseName, "xs")
    let before = [xs] + layer.params
    let bytes = { (array: NDArray) in
      [UInt8](UnsafeRawBufferPointer(start: array.storage.base, count: array.byteCount))
    }
    let snapshots = before.map(bytes)
    _ = try layer.forward(xs)
    _ = try layer.backward(try RecurrentFixture.load(caseName, "dout"))
    for (array, snapshot) in zip(before, snapshots) { #expect(bytes(array) == snapshot) }
  }
}
