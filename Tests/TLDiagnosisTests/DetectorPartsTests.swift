import TLArray
import Testing

@testable import TLDiagnosis

/// The small parts the detectors share, checked against values worked by hand.
@Suite struct DetectorPartsTests {
  @Test func everyGateOrderIsTried() {
    let orders = GateOrderDetector.permutations(of: [0, 1, 2, 3])
    #expect(orders.count == 24 && Set(orders.map { $0.map(String.init).joined() }).count == 24)
    #expect(GateOrderDetector.permutations(of: [0, 1, 2]).count == 6)
  }

  @Test func factorsAreNamedAsFractionsWhereTheyAreOne() {
    #expect(ScaledDetector.describe(2) == "2")
    #expect(ScaledDetector.describe(0.125) == "1/8")
    #expect(ScaledDetector.describe(-1) == "-1")
    #expect(ScaledDetector.describe(0.7) == "0.7")
  }

  @Test func blocksPermuteAlongTheLastAxis() {
    // Two rows of three blocks of width 2: block j of the result is block order[j].
    let array = NDArray(shape: [2, 6], scalars: (0..<12).map(Double.init))
    let permuted = DoubleArray.permutingBlocks(array, blocks: 3, order: [2, 0, 1])
    #expect(permuted.scalars(as: Double.self) == [4, 5, 0, 1, 2, 3, 10, 11, 6, 7, 8, 9])
    #expect(
      NDArray(shape: [2, 3], scalars: (0..<6).map(Double.init)).transposed().scalars(as: Double.self) == [
        0, 3, 1, 4, 2, 5,
      ])
  }

  @Test func timeSlicesKeepTheBatchAndFeatureAxes() {
    let array = NDArray(shape: [2, 3, 2], scalars: (0..<12).map(Float.init))
    let slice = DoubleArray.timeSlice(array, 1..<2)
    #expect(slice.shape == [2, 1, 2] && slice.dtype == .float32)
    #expect(slice.scalars(as: Float.self) == [2, 3, 8, 9])
  }
}
