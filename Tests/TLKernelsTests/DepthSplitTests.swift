import Testing

@testable import TLKernels

/// Narrow products split along K (TimeAffine's dx, TimeLSTM's dxs) against one BLAS call.
@Suite struct DepthSplitTests {
  /// A product's shape and layout: op(A) m×k, op(B) k×n, C m×n inside rows of `ldc` (the
  /// columns past n are padding no product may touch), A with `padA` columns of padding.
  struct Layout {
    var m = 40, n = 72, k = 6000
    var transposedA = false, transposedB = false
    var padA = 0, padC = 0
  }

  /// C after `product` from deterministic A and B, C starting as `start` everywhere.
  private static func product<T: LayerScalar & BinaryFloatingPoint>(
    _ layout: Layout, _: T.Type, start: T,
    _ product: (Matrix<T>, Matrix<T>, MutableMatrix<T>) -> Void
  ) -> [T] {
    let (m, n, k) = (layout.m, layout.n, layout.k)
    let (aRows, aCols) = layout.transposedA ? (k, m) : (m, k)
    let lda = aCols + layout.padA
    let a = ColumnSplitTests.values(aRows * lda, seed: 11).map { T($0) }
    let b = ColumnSplitTests.values(k * n, seed: 12).map { T($0) }
    let ldc = n + layout.padC
    var c = [T](repeating: start, count: m * ldc)
    a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        let am = Matrix(pa, rows: aRows, cols: lda).leading(aCols)
        let bm = layout.transposedB ? Matrix(pb, rows: n, cols: k) : Matrix(pb, rows: k, cols: n)
        c.withUnsafeMutableBufferPointer { product(am, bm, MutableMatrix($0, rows: m, cols: ldc).leading(n)) }
      }
    }
    return c
  }

  /// The split, forced whatever the processors and BLAS threads, C's rows in blocks whose
  /// partials fit in `partialBytes`.
  private static func split<T: LayerScalar & BinaryFloatingPoint>(
    _ layout: Layout, _ type: T.Type, intoZeros: Bool, partialBytes: Int = Kernel.partialsKept
  ) -> [T] {
    product(layout, type, start: intoZeros ? 0 : 7) { a, b, c in
      let took = Kernel.gemmSplittingDepth(
        a, transposed: layout.transposedA, b, transposed: layout.transposedB, into: c, accumulate: false,
        intoZeros: intoZeros, forced: true, partialBytes: partialBytes)
      #expect(took)
    }
  }

  /// One single-threaded-or-not BLAS call, beta = 0.
  private static func whole<T: LayerScalar & BinaryFloatingPoint>(_ layout: Layout, _ type: T.Type) -> [T] {
    product(layout, type, start: 7) { a, b, c in
      T.gemm(
        transA: layout.transposedA, transB: layout.transposedB, m: c.rows, n: c.cols, k: layout.k, alpha: 1,
        a: a.base, lda: a.ld, b: b.base, ldb: b.ld, beta: 0, c: c.base, ldc: c.ld)
    }
  }

  /// Worst |split − whole| / max(1, |whole|) over C's columns, and whether the split's padding
  /// still holds `padding`, its start value.
  private static func compare<T: LayerScalar & BinaryFloatingPoint>(
    _ split: [T], _ whole: [T], _ layout: Layout, padding: T
  ) -> (worst: Double, paddingKept: Bool) {
    let ldc = layout.n + layout.padC
    var worst = 0.0
    var paddingKept = true
    for row in 0..<layout.m {
      for j in 0..<ldc {
        let (s, w) = (split[row * ldc + j], whole[row * ldc + j])
        if j >= layout.n {
          paddingKept = paddingKept && s == padding
        } else {
          worst = max(worst, Double(abs(s - w) / max(1, abs(w))))
        }
      }
    }
    return (worst, paddingKept)
  }

  @Test(arguments: [
    (false, true, true), (false, false, true), (true, false, false), (true, true, false),
  ])
  func splitEqualsOneCall(transposedA: Bool, transposedB: Bool, intoZeros: Bool) {
    let layout = Layout(transposedA: transposedA, transposedB: transposedB, padA: 3, padC: 5)
    #expect(layout.m * layout.n * layout.k >= Kernel.wideSplitWork && layout.k >= Kernel.depthSplitMinimum)
    let split = Self.split(layout, Float.self, intoZeros: intoZeros)
    // The second call reuses the first one's partials (holding its values, not zeros).
    let again = Self.split(layout, Float.self, intoZeros: intoZeros)
    #expect(split.map(\.bitPattern) == again.map(\.bitPattern) ? true : false, "the bits depend on K alone")
    // Float32 sums of k terms in two orders (one accumulator per element, or one per part).
    let (worst, paddingKept) = Self.compare(
      split, Self.whole(layout, Float.self), layout, padding: intoZeros ? 0 : 7)
    let bound = Double(Float(layout.k).squareRoot() * Float.ulpOfOne)
    #expect(worst <= bound, "split and one call differ by \(worst) (relative), over √k·ε = \(bound)")
    #expect(paddingKept, "the split wrote outside C's columns")
  }

  /// Partials over the limit: C's rows in blocks (here 40 rows in 3 blocks of at most 16), each
  /// split along K in turn: one call's values to rounding (OpenBLAS picks its kernels by the
  /// block's shape, so the bits may differ from the unblocked split's), C's padding untouched.
  @Test(arguments: [false, true])
  func rowBlocksEqualOneCall(transposedA: Bool) {
    let layout = Layout(transposedA: transposedA, transposedB: true, padA: 3, padC: 5)
    let perRow = (Kernel.depthBounds(layout.k).count - 2) * layout.n * MemoryLayout<Float>.stride
    let blocks = Self.split(layout, Float.self, intoZeros: false, partialBytes: 16 * perRow)
    let (worst, paddingKept) = Self.compare(blocks, Self.whole(layout, Float.self), layout, padding: 7)
    #expect(worst <= Double(Float(layout.k).squareRoot() * Float.ulpOfOne))
    #expect(paddingKept)
    let again = Self.split(layout, Float.self, intoZeros: false, partialBytes: 16 * perRow)
    #expect(blocks.map(\.bitPattern) == again.map(\.bitPattern) ? true : false, "the same blocks, the same bits")
  }

  @Test func float64SplitEqualsOneCall() {
    let layout = Layout(transposedB: true, padC: 2)
    let (worst, paddingKept) = Self.compare(
      Self.split(layout, Double.self, intoZeros: false), Self.whole(layout, Double.self), layout, padding: 7)
    #expect(worst <= Double(layout.k).squareRoot() * Double.ulpOfOne)
    #expect(paddingKept)
  }

  /// Through `Kernel.gemm`: a narrow, deep product is either split (when this run has two
  /// processors and BLAS threads: the split's bits) or one call (its values to rounding: other
  /// tests running meanwhile change OpenBLAS's thread count, and with it the kernels a call
  /// takes), never anything else.
  @Test func gemmTakesTheSplitOrOneCall() {
    let layout = Layout(transposedB: true)
    let viaGemm = Self.product(layout, Float.self, start: 0) { a, b, c in
      Kernel.gemm(a, transposed: false, b, transposed: true, into: c, intoZeros: true)
    }
    let split = Self.split(layout, Float.self, intoZeros: true)
    let (worst, _) = Self.compare(viaGemm, Self.whole(layout, Float.self), layout, padding: 0)
    let isSplit = viaGemm.map(\.bitPattern) == split.map(\.bitPattern)
    #expect(isSplit || worst <= Double(Float(layout.k).squareRoot() * Float.ulpOfOne))
  }

  /// Not split, even forced: a product that accumulates, a shallow one, a small one, a wide one.
  @Test(arguments: [
    (40, 72, 6000, true), (400, 72, 1024, false), (4, 72, 6000, false), (8, 2048, 2048, false),
  ])
  func declines(m: Int, n: Int, k: Int, accumulate: Bool) {
    var took = true
    _ = Self.product(Layout(m: m, n: n, k: k), Float.self, start: 0) { a, b, c in
      took = Kernel.gemmSplittingDepth(
        a, transposed: false, b, transposed: false, into: c, accumulate: accumulate, intoZeros: false, forced: true)
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

extension Matrix {
  /// The first `cols` columns, rows kept apart by the same leading dimension.
  fileprivate func leading(_ cols: Int) -> Matrix { Matrix(base, rows: rows, cols: cols, ld: ld) }
}

extension MutableMatrix {
  fileprivate func leading(_ cols: Int) -> MutableMatrix { MutableMatrix(base, rows: rows, cols: cols, ld: ld) }
}
