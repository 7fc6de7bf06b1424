import TLArray
import TLTestSupport
import Testing

@testable import TLLayers

/// The embeddings' dW says which rows the batch's ids touched (``NDArray/nonzeroRows``), so the
/// `.npy` writer can leave the others as holes: exactly the distinct wrapped ids, and every
/// other row all zero bits.
@Suite struct EmbeddingRowsTests {

  static func ramp(_ shape: [Int]) -> NDArray {
    let count = shape.reduce(1, *)
    return NDArray(shape: shape, scalars: (0..<count).map { Float($0 % 97) / 8 - 6 })
  }

  static func check(_ dW: NDArray, rows expected: [Int]) {
    #expect(dW.nonzeroRows == expected)
    let d = dW.shape[1]
    let values = dW.scalars(as: Float.self)
    let outside = Set(0..<dW.shape[0]).subtracting(expected)
    let nonzeroOutside = outside.filter { row in (0..<d).contains { values[row * d + $0].bitPattern != 0 } }
    #expect(nonzeroOutside.isEmpty)
    let zeroInside = expected.filter { row in (0..<d).allSatisfy { values[row * d + $0] == 0 } }
    #expect(zeroInside.isEmpty)
  }

  /// 3000 × 128 float32 (1.5 MB: page-backed, the 4 KiB pages of the touched rows written
  /// first), ids with repeats and negatives (−1 is the last row).
  @Test func timeEmbeddingMarksTheDistinctIds() throws {
    let W = Self.ramp([3000, 128])
    let layer = try TimeEmbedding(W: W)
    let ids: [Int64] = [5, 2999, -1, 7, 5, 1200, 0, 7]
    _ = try layer.forward(NDArray(shape: [2, 4], scalars: ids))
    _ = try layer.backward(Self.ramp([2, 4, 128]))
    Self.check(layer.grads[0], rows: [0, 5, 7, 1200, 2999])
  }

  @Test func embeddingMarksTheDistinctIds() throws {
    let W = Self.ramp([3000, 128])
    let layer = try Embedding(W: W)
    let ids: [Int32] = [42, -3000, 42, 2998]
    _ = try layer.forward(NDArray(shape: [4], scalars: ids))
    _ = try layer.backward(Self.ramp([4, 128]))
    Self.check(layer.grads[0], rows: [0, 42, 2998])
  }
}
