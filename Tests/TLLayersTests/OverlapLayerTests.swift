import TLArray
import TLKernels
import TLTestSupport
import Testing

@testable import TLLayers

/// The recurrent fixtures with x·Wx computed beside the forward's time loop
/// (RecurrentTape+Overlap, forced on these small layers by ``OverlappedChunks/withForcedUse(_:)``):
/// every result against NumPy as ``LayerFixtureTests`` checks it, and against the same layer
/// without the overlap.
@Suite struct OverlapLayerTests {
  static let recurrent: Set<String> = ["TimeLSTM", "TimeBiLSTM", "TimeGRU", "TimeRNN"]

  @Test(
    "a recurrent fixture matches NumPy with x·Wx beside the loop", arguments: try LayerFixture.all(ofTypes: recurrent))
  func matchesNumPy(_ name: String) throws {
    _ = try OverlappedChunks.withForcedUse { try LayerFixtureTests.checkLayer(LayerFixture(name)) }
  }

  @Test(
    "a recurrent fixture gives the same results, to rounding, with and without the overlap",
    arguments: try LayerFixture.all(ofTypes: recurrent))
  func sameResults(_ name: String) throws {
    let plain = try NumPyMathPathLayerTests.run(name)
    let (overlapped, _, _) = try OverlappedChunks.withForcedUse { try NumPyMathPathLayerTests.run(name) }
    try expectSameToRounding(plain, overlapped, case: name, float32: 1e-5, float64: 0)
  }

  /// The path is really taken where it applies (float32 on the panel product: N ≤ 32, T > 1),
  /// one chunk a step when forced, so the gathers and scatters at every offset and the waits
  /// for the helper's chunks are exercised; and only there: a float64 case makes no chunks.
  @Test(.enabled(if: PanelProduct.isAvailable, "needs AVX-512F"))
  func takenWhereItApplies() throws {
    for name in ["lstm_long", "gru_long"] {
      let steps = try LayerFixture(name).chainInput().shape[1]
      let (_, made, chunks) = try OverlappedChunks.withForcedUse { try NumPyMathPathLayerTests.run(name) }
      #expect(made == 1 && chunks == steps && steps > 1, "\(name): \(made) chunk sets, \(chunks) chunks")
    }
    let float64 = try LayerFixture.all(ofTypes: Self.recurrent).first { name in
      (try? LayerFixture(name).chainInput().dtype) == .float64
    }
    let name = try #require(float64 as String?, "no float64 recurrent fixture")
    let (_, made, _) = try OverlappedChunks.withForcedUse { try NumPyMathPathLayerTests.run(name) }
    #expect(made == 0, "\(name): \(made) chunk sets in float64")
  }
}
