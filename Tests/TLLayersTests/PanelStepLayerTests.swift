import TLArray
import TLKernels
import TLTestSupport
import Testing

@testable import TLLayers

/// The recurrent fixtures on both step-product paths: the panel product (Wh packed once, the
/// default on a CPU with AVX-512F) and BLAS (``PanelProduct/withBLASSteps(_:)``, the path of
/// other CPUs). The fixtures' own tests compare the default path with NumPy; here the two paths
/// must agree within float32 rounding of the sums (they sum in different orders), shapes and
/// dtypes equal.
@Suite(.serialized) struct PanelStepLayerTests {
  @Test(
    "a recurrent fixture gives the same results, to rounding, on the panel and the BLAS path",
    arguments: try LayerFixture.all(ofTypes: ["TimeLSTM", "TimeBiLSTM", "TimeGRU", "TimeRNN"]))
  func bothPaths(_ name: String) throws {
    let viaDefault = try NumPyMathPathLayerTests.run(name)
    let viaBLAS = try PanelProduct.withBLASSteps { try NumPyMathPathLayerTests.run(name) }
    try expectSameToRounding(viaDefault, viaBLAS, case: name, float32: 1e-5, float64: 1e-12)
  }

  /// The two paths are really taken: on a CPU with AVX-512F the long float32 cases (N = 4,
  /// T = 24, H = 16) differ in some bits between them (seen: 5 of their arrays). Fails
  /// if the panel product silently stopped being used, or the switch stopped reaching the loop.
  @Test(.enabled(if: PanelProduct.isAvailable, "needs AVX-512F"), arguments: ["lstm_long", "gru_long"])
  func pathsDiffer(_ name: String) throws {
    let viaDefault = try NumPyMathPathLayerTests.run(name)
    let viaBLAS = try PanelProduct.withBLASSteps { try NumPyMathPathLayerTests.run(name) }
    #expect(viaDefault.contains { viaBLAS[$0.key] != $0.value }, "\(name): the same bits on both paths")
  }
}
