import TLArray
import TLTestSupport
import Testing

@testable import TLLayers

/// TimeAttention and its building blocks (WeightSum, AttentionWeight, Attention) against the
/// NumPy port of ch08/attention_layer.py, values and dtypes.
struct RecurrentAttentionTests {
  @Test(arguments: ["attn_f32", "attn_f64", "attn_mixed_enc64_dec32", "attn_n1_t1"])
  func timeAttentionMatchesNumPy(caseName: String) throws {
    let hsEnc = try RecurrentFixture.load(caseName, "hs_enc")
    let hsDec = try RecurrentFixture.load(caseName, "xs")
    let config = LayerConfig(name: "attn", inputs: ["hs_enc": hsEnc])
    let kind = try #require(LayerRegistry.kind(named: "TimeAttention"))
    #expect(try kind.infer(config, ArraySignature(hsDec)) == ArraySignature(hsDec))
    let layer = try kind.make(config)
    try RecurrentFixture.expectMatches(try layer.forward(hsDec), caseName, "out")
    try RecurrentFixture.expectMatches(
      try layer.backward(try RecurrentFixture.load(caseName, "dout")), caseName, "dx")
    #expect(layer.extraOutputs.map(\.name) == ["dhs_enc"])
    try RecurrentFixture.expectMatches(layer.extraOutputs.first?.array, caseName, "dhs_enc")
  }

  @Test(arguments: ["attn_parts_f32", "attn_parts_f64"])
  func buildingBlocksMatchNumPy(caseName: String) throws {
    let load = { try RecurrentFixture.load(caseName, $0) }
    let (hs, h, a, dc, da) = (
      try load("hs"), try load("h"), try load("a"), try load("dc"), try load("da")
    )

    let weightSum = WeightSum()
    try RecurrentFixture.expectMatches(try weightSum.forward(hs: hs, a: a), caseName, "ws_c")
    let (wsDhs, wsDa) = try weightSum.backward(dc)
    try RecurrentFixture.expectMatches(wsDhs, caseName, "ws_dhs")
    try RecurrentFixture.expectMatches(wsDa, caseName, "ws_da")

    let weight = AttentionWeight()
    try RecurrentFixture.expectMatches(try weight.forward(hs: hs, h: h), caseName, "aw_a")
    let (awDhs, awDh) = try weight.backward(da)
    try RecurrentFixture.expectMatches(awDhs, caseName, "aw_dhs")
    try RecurrentFixture.expectMatches(awDh, caseName, "aw_dh")

    let attention = Attention()
    try RecurrentFixture.expectMatches(try attention.forward(hs: hs, h: h), caseName, "at_c")
    try RecurrentFixture.expectMatches(attention.attentionWeight, caseName, "at_a")
    let (atDhs, atDh) = try attention.backward(dc)
    try RecurrentFixture.expectMatches(atDhs, caseName, "at_dhs")
    try RecurrentFixture.expectMatches(atDh, caseName, "at_dh")
  }
}
