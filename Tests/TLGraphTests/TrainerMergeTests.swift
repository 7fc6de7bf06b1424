import Foundation
import TLArray
import TLKernels
import Testing

@testable import TLGraph

@Suite("Trainer: remove_duplicate's merge, clip_grads and the transpose it relies on")
struct TrainerMergeTests {
  /// W (R, C) with distinct values, and a float32 gradient for it.
  private func matrix(_ rows: Int, _ cols: Int, offset: Float) -> NDArray {
    NDArray(shape: [rows, cols], scalars: (0..<(rows * cols)).map { Float($0) * 0.25 + offset })
  }

  @Test("a transposed tie merges as separate params equal by value do: grads[i] + grads[j].T")
  func tiedAndValueEqualMergeAlike() {
    let embedW = matrix(37, 70, offset: 1)
    let affineW = Glue.transposed(embedW)
    let other = matrix(2, 3, offset: 5)
    let grads = [matrix(37, 70, offset: -3), matrix(2, 3, offset: 0.5), matrix(70, 37, offset: 7)]
    let tie = GraphNode.Tie(source: "embed.W", transposed: true)
    var results: [([String], [NDArray])] = []
    for ties in [[nil, nil, tie], [nil, nil, nil]] as [[GraphNode.Tie?]] {
      var (names, params, merged) = (["embed.W", "lstm.b", "affine.W"], [embedW, other, affineW], grads)
      Trainer.removeDuplicate(&names, &params, &merged, ties: ties)
      results.append((names, merged))
    }
    let expected = zip(grads[0].scalars(as: Float.self), Glue.transposed(grads[2]).scalars(as: Float.self)).map(+)
    for (names, merged) in results {
      #expect(names == ["embed.W", "lstm.b"])
      #expect(merged.count == 2)
      #expect(merged[0].scalars(as: Float.self) == expected)
      #expect(merged[1] == grads[1])
    }
  }

  @Test("a NaN keeps a transposed tie unmerged, as np.all(W.T == W2) is False in NumPy")
  func nanKeepsTieApart() {
    var values = matrix(3, 4, offset: 0).scalars(as: Float.self)
    values[5] = .nan
    let embedW = NDArray(shape: [3, 4], scalars: values)
    var (names, params) = (["embed.W", "affine.W"], [embedW, Glue.transposed(embedW)])
    var grads = [matrix(3, 4, offset: 1), matrix(4, 3, offset: 2)]
    Trainer.removeDuplicate(
      &names, &params, &grads, ties: [nil, GraphNode.Tie(source: "embed.W", transposed: true)])
    #expect(names == ["embed.W", "affine.W"])
    #expect(grads[0] == matrix(3, 4, offset: 1))
  }

  @Test("separate params differing in one element are not merged")
  func oneDifferenceKeepsApart() {
    let w = matrix(33, 65, offset: 0)
    var transposed = Glue.transposed(w).scalars(as: Float.self)
    transposed[transposed.count - 1] += 1
    var (names, params) = (["a.W", "b.W"], [w, NDArray(shape: [65, 33], scalars: transposed)])
    var grads = [matrix(33, 65, offset: 1), matrix(65, 33, offset: 2)]
    Trainer.removeDuplicate(&names, &params, &grads, ties: [nil, nil])
    #expect(names == ["a.W", "b.W"])
    #expect(w.isTranspose(of: Glue.transposed(w)))
    #expect(!w.isTranspose(of: params[1]))
  }

  @Test("Glue.transposed copies element (r, c) to (c, r) for every dtype size, across tiles")
  func transposeMatchesDefinition() {
    for (rows, cols) in [(1, 1), (37, 70), (64, 33)] {
      let float32 = matrix(rows, cols, offset: 0)
      let float64 = float32.astype(.float64)
      let int8 = NDArray(shape: [rows, cols], scalars: (0..<(rows * cols)).map { Int8(truncatingIfNeeded: $0) })
      for array in [float32, float64, int8] {
        let result = Glue.transposed(array)
        #expect(result.shape == [cols, rows])
        #expect(result.dtype == array.dtype)
        for r in 0..<rows {
          for c in 0..<cols {
            #expect(result.double(atFlat: c * rows + r) == array.double(atFlat: r * cols + c))
          }
        }
      }
    }
  }

  @Test("clip_grads scales float32 grads in float32 by max_norm / (norm + 1e-6) when below 1")
  func clipScales() {
    let grads = [NDArray(shape: [2], scalars: [Float(3), Float(4)]), NDArray(shape: [1], scalars: [Float(0)])]
    var clipped = grads
    Trainer.clipGrads(&clipped, maxNorm: 1)
    let rate = Float(1) / (Float(5) + Float(1e-6))
    #expect(clipped[0].scalars(as: Float.self) == [3 * rate, 4 * rate])
    #expect(clipped[1].scalars(as: Float.self) == [0])
    var unclipped = grads
    Trainer.clipGrads(&unclipped, maxNorm: 10)
    #expect(unclipped == grads)
  }

  @Test("containsNaN finds a NaN anywhere (a block's first, its last, the tail), never an infinity")
  func containsNaNEverywhere() {
    let count = 3 * 4096 + 5
    for dtype in [DType.float32, .float64] {
      var values = (0..<count).map { Double($0 % 13) - 6 }
      values[7] = .infinity
      values[8] = -.infinity
      let clean = NDArray(shape: [count], scalars: values).astype(dtype)
      #expect(!clean.containsNaN())
      for at in [0, 4095, 4096, count - 1] {
        var withNaN = values
        withNaN[at] = at % 2 == 0 ? .nan : -.nan
        #expect(NDArray(shape: [count], scalars: withNaN).astype(dtype).containsNaN(), "\(dtype) NaN at \(at)")
      }
    }
  }

  @Test("clip_grads in place and into fresh memory (a shared grad) give the plain loop's bits; the shared one is kept")
  func clipSharedAndSplit() {
    let count = 300_001  // above Kernel.parallelElements: split among the workers
    let raw = NDArray(shape: [count], scalars: (0..<count).map { Float(sin(Double($0) * 0.7)) })
    let own = NDArray(shape: [count], scalars: (0..<count).map { Float(cos(Double($0) * 0.3)) })
    var grads = [raw, own]
    // Four workers whatever the machine: the sums' subtrees and the scaling loop split.
    Kernel.withRowWorkers(4) { Trainer.clipGrads(&grads, maxNorm: 1, shared: [raw]) }
    let sums: [Double] = [raw, own].map { array in
      array.scalars(as: Float.self).reduce(0.0) { sum, value in sum + Double(value) * Double(value) }
    }
    let first: Float = Float(0) + Float(sums[0])
    let total: Float = first + Float(sums[1])
    let rate = Float(1) / (total.squareRoot() + Float(1e-6))
    for (clipped, original) in zip(grads, [raw, own]) {
      let expected = original.scalars(as: Float.self).map { ($0 * rate).bitPattern }
      #expect(clipped.scalars(as: Float.self).map { $0.bitPattern } == expected)
    }
    #expect(grads[0].storage !== raw.storage)
    #expect(raw.scalars(as: Float.self)[1] == Float(sin(0.7)))
  }
}
