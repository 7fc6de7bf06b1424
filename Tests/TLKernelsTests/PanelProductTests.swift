import Foundation
import Testing

@testable import TLKernels

/// The recurrent loop's panel product (Wh packed once) against the float32 fused multiply-add
/// chain it promises, element by element, and its split over workers against one call.
@Suite(.enabled(if: PanelProduct.isAvailable, "needs AVX-512F")) struct PanelProductTests {
  /// C (m×n, rows ldc apart) as the panel product defines it: for each element one float32
  /// fma chain over p = 0 … k-1 from +0, added to the old C when accumulating.
  static func reference(
    a: [Float], lda: Int, m: Int, b: [Float], ldb: Int, transposed: Bool, k: Int, n: Int, c: [Float], ldc: Int,
    accumulate: Bool
  ) -> [Float] {
    var out = c
    for r in 0..<m {
      for j in 0..<n {
        var sum: Float = 0
        for p in 0..<k { sum.addProduct(a[r * lda + p], transposed ? b[j * ldb + p] : b[p * ldb + j]) }
        out[r * ldc + j] = accumulate ? c[r * ldc + j] + sum : sum
      }
    }
    return out
  }

  /// Runs the panel product of op(B) (`b`, K×n or n×K when `transposed`, rows `ldb` apart) on
  /// A (m×K, rows `lda` apart) into a copy of `c` (rows `ldc` apart), with `workers` forced
  /// workers when `split`.
  static func run(
    a: [Float], lda: Int, m: Int, b: [Float], ldb: Int, transposed: Bool, k: Int, n: Int, c: [Float], ldc: Int,
    accumulate: Bool, split: Bool = false
  ) throws -> [Float] {
    var out = c
    try a.withUnsafeBufferPointer { pa in
      try b.withUnsafeBufferPointer { pb in
        try out.withUnsafeMutableBufferPointer { pc in
          let bMatrix = Matrix(
            try #require(pb.baseAddress), rows: transposed ? n : k, cols: transposed ? k : n, ld: ldb)
          let product = try #require(PanelProduct(bMatrix, transposed: transposed))
          #expect(product.holds(bMatrix, transposed: transposed))
          #expect(!product.holds(bMatrix, transposed: !transposed) || n == k)
          product.multiply(
            Matrix(try #require(pa.baseAddress), rows: m, cols: k, ld: lda),
            into: MutableMatrix(try #require(pc.baseAddress), rows: m, cols: n, ld: ldc),
            accumulate: accumulate, split: split)
        }
      }
    }
    return out
  }

  /// Shapes around the tile (20 rows) and panel (16 columns) edges, with padded leading
  /// dimensions, op(B) plain and transposed, overwriting and accumulating: every element is the
  /// fma chain's bits, and the padding columns (j ≥ n) are left as they were.
  @Test(arguments: [
    (1, 1, 1), (20, 16, 5), (21, 17, 9), (19, 15, 33), (45, 50, 7), (32, 64, 100), (3, 130, 20),
  ])
  func matchesTheFMAChain(m: Int, n: Int, k: Int) throws {
    for transposed in [false, true] {
      for accumulate in [false, true] {
        let (lda, ldb, ldc) = (k + 3, (transposed ? k : n) + 2, n + 5)
        let a = ColumnSplitTests.values(m * lda, seed: 11)
        let b = ColumnSplitTests.values((transposed ? n : k) * ldb, seed: 12)
        let start = ColumnSplitTests.values(m * ldc, seed: 13)
        let c = try Self.run(
          a: a, lda: lda, m: m, b: b, ldb: ldb, transposed: transposed, k: k, n: n, c: start, ldc: ldc,
          accumulate: accumulate)
        let expected = Self.reference(
          a: a, lda: lda, m: m, b: b, ldb: ldb, transposed: transposed, k: k, n: n, c: start, ldc: ldc,
          accumulate: accumulate)
        let differing = zip(c, expected).filter { $0.bitPattern != $1.bitPattern }.count
        #expect(differing == 0, "\(differing) elements differ (m \(m), n \(n), k \(k), transposed \(transposed))")
      }
    }
  }

  /// TimeLSTM's step shapes (forward h·Wh, backward dA·Whᵀ) split over 1, 2 and 3 forced
  /// workers: the same bits as one call, and as the fma chain.
  @Test(arguments: [(20, 2600, 650, false), (20, 650, 2600, true)])
  func splitEqualsOneCall(m: Int, n: Int, k: Int, transposed: Bool) throws {
    #expect(m * n * k >= Kernel.columnSplitWork, "the case must take the split path")
    let ldb = transposed ? k : n
    let a = ColumnSplitTests.values(m * k, seed: 21)
    let b = ColumnSplitTests.values(k * n, seed: 22)
    let start = [Float](repeating: .nan, count: m * n)
    let whole = try Self.run(
      a: a, lda: k, m: m, b: b, ldb: ldb, transposed: transposed, k: k, n: n, c: start, ldc: n, accumulate: false)
    for workers in [1, 2, 3] {
      let split = try Kernel.withRowWorkers(workers) {
        try Self.run(
          a: a, lda: k, m: m, b: b, ldb: ldb, transposed: transposed, k: k, n: n, c: start, ldc: n,
          accumulate: false, split: true)
      }
      let differing = zip(split, whole).filter { $0.bitPattern != $1.bitPattern }.count
      #expect(differing == 0, "\(differing) elements differ with \(workers) workers")
    }
    let expected = Self.reference(
      a: a, lda: k, m: m, b: b, ldb: ldb, transposed: transposed, k: k, n: n, c: start, ldc: n, accumulate: false)
    #expect(zip(whole, expected).allSatisfy { $0.bitPattern == $1.bitPattern })
  }
}
