import TLSystem
import Testing

@testable import TLKernels

/// Narrow products split along K (TimeAffine's dx, TimeLSTM's dxs) against one BLAS call.
@Suite struct DepthSplitTests {
  /// C of m×n for op(A)·op(B) by `product`, from deterministic values.
  private static func product(
    m: Int, n: Int, k: Int, transposedA: Bool, transposedB: Bool,
    _ product: (Matrix<Float>, Matrix<Float>, MutableMatrix<Float>) -> Void
  ) -> [Float] {
    let a = ColumnSplitTests.values(m * k, seed: 11)
    let b = ColumnSplitTests.values(k * n, seed: 12)
    var c = [Float](repeating: 0, count: m * n)
    a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        let am = transposedA ? Matrix(pa, rows: k, cols: m) : Matrix(pa, rows: m, cols: k)
        let bm = transposedB ? Matrix(pb, rows: n, cols: k) : Matrix(pb, rows: k, cols: n)
        c.withUnsafeMutableBufferPointer { product(am, bm, MutableMatrix($0, rows: m, cols: n)) }
      }
    }
    return c
  }

  @Test(arguments: [(false, true, true), (false, false, true), (true, false, false), (true, true, false)])
  func splitEqualsOneCall(transposedA: Bool, transposedB: Bool, intoZeros: Bool) {
    let (m, n, k) = (40, 72, 6000)
    #expect(m * n * k >= Kernel.wideSplitWork && k >= Kernel.depthSplitMinimum && n < Kernel.wideSplitColumns)
    var took = false
    let split = Self.product(m: m, n: n, k: k, transposedA: transposedA, transposedB: transposedB) { a, b, c in
      took = Kernel.gemmSplittingDepth(
        a, transposed: transposedA, b, transposed: transposedB, into: c, accumulate: false, intoZeros: intoZeros)
    }
    // Only one processor or one BLAS thread leaves a product unsplit.
    #expect(took == (Processors.available > 1 && BLASThreads.count > 1))
    guard took else { return }
    let again = Self.product(m: m, n: n, k: k, transposedA: transposedA, transposedB: transposedB) { a, b, c in
      _ = Kernel.gemmSplittingDepth(
        a, transposed: transposedA, b, transposed: transposedB, into: c, accumulate: false, intoZeros: intoZeros)
    }
    let whole = Self.product(m: m, n: n, k: k, transposedA: transposedA, transposedB: transposedB) { a, b, c in
      BLASThreads.singleThreaded { Kernel.gemm(a, transposed: transposedA, b, transposed: transposedB, into: c) }
    }
    // The parts' bounds depend on K alone and their sum on the part order: the same bits again.
    #expect(split.map(\.bitPattern) == again.map(\.bitPattern))
    // Float32 sums of k terms in two orders (one accumulator per element, or one per part).
    let bound = Float(k).squareRoot() * Float.ulpOfOne
    let worst = zip(split, whole).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .nan
    #expect(worst <= bound, "split and one call differ by \(worst) (relative), over √k·ε = \(bound)")
    #expect(worst > 0 || split == whole)
  }

  /// Through `Kernel.gemm`: a narrow, deep product takes the split and gives one call's values.
  @Test func gemmTakesTheSplit() {
    let (m, n, k) = (40, 72, 6000)
    let viaGemm = Self.product(m: m, n: n, k: k, transposedA: false, transposedB: true) { a, b, c in
      Kernel.gemm(a, transposed: false, b, transposed: true, into: c, intoZeros: true)
    }
    let split = Self.product(m: m, n: n, k: k, transposedA: false, transposedB: true) { a, b, c in
      _ = Kernel.gemmSplittingDepth(
        a, transposed: false, b, transposed: true, into: c, accumulate: false, intoZeros: true)
    }
    #expect(viaGemm.map(\.bitPattern) == split.map(\.bitPattern))
  }

  /// Not split: a product that accumulates, a shallow one, a wide one, or with one BLAS thread.
  @Test(arguments: [
    (40, 72, 6000, true, false), (400, 72, 1024, false, false), (8, 2048, 2048, false, false),
    (40, 72, 6000, false, true),
  ])
  func declines(m: Int, n: Int, k: Int, accumulate: Bool, singleThreaded: Bool) {
    var took = true
    _ = Self.product(m: m, n: n, k: k, transposedA: false, transposedB: false) { a, b, c in
      let split = {
        Kernel.gemmSplittingDepth(
          a, transposed: false, b, transposed: false, into: c, accumulate: accumulate, intoZeros: false)
      }
      took = singleThreaded ? BLASThreads.singleThreaded(split) : split()
    }
    #expect(!took)
  }

  /// The parts cover 0..<k in order, an even number of them (up to six), aligned and nearly equal.
  @Test(arguments: [(10000, 6), (2600, 6), (2048, 4), (1000, 2), (700, 1), (100, 1)])
  func boundsCoverK(k: Int, parts: Int) {
    let bounds = Kernel.depthBounds(k)
    #expect(bounds.first == 0 && bounds.last == k)
    let widths = zip(bounds.dropFirst(), bounds).map { $0 - $1 }
    #expect(widths.count == parts)
    #expect(widths.allSatisfy { $0 > 0 })
    #expect(bounds.dropLast().allSatisfy { $0 % 16 == 0 })
    #expect((widths.max() ?? 0) - (widths.min() ?? 0) <= 32)
  }
}
