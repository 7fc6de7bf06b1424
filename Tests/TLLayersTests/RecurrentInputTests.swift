import TLArray
import TLTestSupport
import Testing

@testable import TLLayers

/// The recurrent tape views its inputs instead of copying them.
struct RecurrentInputTests {
  /// Builds the layer a case describes, with its params and initial state.
  static func layer(_ cell: RecurrentArchitecture, _ caseName: String) throws -> TimeRecurrentLayer {
    var state: [String: NDArray] = [:]
    if let h0 = try LayerFixture.optional(caseName, "h0") { state["h"] = h0 }
    if let c0 = try LayerFixture.optional(caseName, "c0") { state["c"] = c0 }
    let params = try Dictionary(
      uniqueKeysWithValues: ["Wx", "Wh", "b"].map { ($0, try LayerFixture.load(caseName, $0)) })
    return try TimeRecurrentLayer(
      cell, config: LayerConfig(name: "rec", params: params, state: state))
  }

  /// The tape views xs and the params in place when their dtype is the computation's: forward
  /// and backward must leave every input exactly as it was.
  @Test(arguments: [(RecurrentArchitecture.rnn, "rnn_f32"), (.lstm, "lstm_f64"), (.gru, "gru_f32")])
  func inputsAreNotWritten(cell: RecurrentArchitecture, caseName: String) throws {
    let layer = try Self.layer(cell, caseName)
    let xs = try LayerFixture.load(caseName, "xs")
    let before = [xs] + layer.params
    let bytes = { (array: NDArray) in
      [UInt8](UnsafeRawBufferPointer(start: array.storage.base, count: array.byteCount))
    }
    let snapshots = before.map(bytes)
    _ = try layer.forward(xs)
    _ = try layer.backward(try LayerFixture.load(caseName, "dout"))
    for (array, snapshot) in zip(before, snapshots) { #expect(bytes(array) == snapshot) }
  }
}
