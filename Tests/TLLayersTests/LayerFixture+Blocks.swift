import TLArray
import TLTestSupport
import Testing

@testable import TLLayers

/// The book classes with fixtures that are parts of a registered layer rather than layers of
/// their own: the single steps of the recurrent layers, and the attention blocks.
enum BuildingBlock: String, CaseIterable {
  /// `RNN`, `LSTM`, `GRU`: one step, results in the computation dtype (not forced to float32),
  /// grads in the params' dtypes.
  case rnn = "RNN"
  case lstm = "LSTM"
  case gru = "GRU"
  /// `Attention` with the `WeightSum` and `AttentionWeight` it is built of (ch08).
  case attention = "Attention"

  func check(_ fixture: LayerFixture) throws {
    switch self {
    case .rnn: try Self.checkStep(.rnn, fixture)
    case .lstm: try Self.checkStep(.lstm, fixture)
    case .gru: try Self.checkStep(.gru, fixture)
    case .attention: try Self.checkAttention(fixture)
    }
  }

  static func checkStep(_ cell: RecurrentArchitecture, _ fixture: LayerFixture) throws {
    let step = RecurrentStep(
      cell, Wx: try fixture.required("Wx"), Wh: try fixture.required("Wh"), b: try fixture.required("b"))
    let lstm = cell == .lstm
    let (h, c) = try step.forward(
      x: try fixture.required("x"), hPrev: try fixture.required("h_prev"),
      cPrev: lstm ? try fixture.required("c_prev") : nil)
    try fixture.expectMatches(h, "out")
    if lstm {
      try fixture.expectMatches(c, "c_next")
    } else {
      #expect(c == nil)
    }
    let (dx, dhPrev, dcPrev) = try step.backward(
      dhNext: try fixture.required("dout"), dcNext: lstm ? try fixture.required("dc_next") : nil)
    try fixture.expectMatches(dx, "dx")
    try fixture.expectMatches(dhPrev, "dh_prev")
    if lstm {
      try fixture.expectMatches(dcPrev, "dc_prev")
    } else {
      #expect(dcPrev == nil)
    }
    #expect(step.paramNames == ["Wx", "Wh", "b"])
    for (name, grad) in zip(step.paramNames, step.grads) {
      try fixture.expectMatches(grad, "d" + name)
    }
  }

  static func checkAttention(_ fixture: LayerFixture) throws {
    let (hs, h) = (try fixture.required("hs"), try fixture.required("h"))
    let (dc, da) = (try fixture.required("dc"), try fixture.required("da"))

    let weightSum = WeightSum()
    try fixture.expectMatches(try weightSum.forward(hs: hs, a: try fixture.required("a")), "ws_c")
    let (wsDhs, wsDa) = try weightSum.backward(dc)
    try fixture.expectMatches(wsDhs, "ws_dhs")
    try fixture.expectMatches(wsDa, "ws_da")

    let weight = AttentionWeight()
    try fixture.expectMatches(try weight.forward(hs: hs, h: h), "aw_a")
    let (awDhs, awDh) = try weight.backward(da)
    try fixture.expectMatches(awDhs, "aw_dhs")
    try fixture.expectMatches(awDh, "aw_dh")

    let attention = Attention()
    try fixture.expectMatches(try attention.forward(hs: hs, h: h), "at_c")
    try fixture.expectMatches(attention.attentionWeight, "at_a")
    let (atDhs, atDh) = try attention.backward(dc)
    try fixture.expectMatches(atDhs, "at_dhs")
    try fixture.expectMatches(atDh, "at_dh")
  }
}
