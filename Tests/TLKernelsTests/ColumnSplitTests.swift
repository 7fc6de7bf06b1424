import Testing

@testable import TLKernels

/// The column-split product of the recurrent time loops against one BLAS call.
@Suite struct ColumnSplitTests {
  /// Deterministic values in [−1, 1).
  static func values(_ count: Int, seed: UInt64) -> [Float] {
    var state = seed
    return (0..<count).map { _ in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Float(Int64(bitPattern: state >> 11) % 2_000_000) / 2_000_000
    }
  }

  @Test(arguments: [(false, 20, 1300, 650), (true, 20, 650, 2600), (false, 7, 333, 2048)])
  func splitEqualsOneCall(transposedB: Bool, m: Int, n: Int, k: Int) {
    #expect(m * n * k >= Kernel.columnSplitWork && n >= 128, "the case must take the split path")
    let a = Self.values(m * k, seed: 1)
    let b = Self.values(k * n, seed: 2)
    var split = [Float](repeating: .nan, count: m * n)
    var whole = [Float](repeating: .nan, count: m * n)
    a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        let am = Matrix(pa, rows: m, cols: k)
        let bm = transposedB ? Matrix(pb, rows: n, cols: k) : Matrix(pb, rows: k, cols: n)
        BLASThreads.alone(when: true) { _ in
          split.withUnsafeMutableBufferPointer {
            Kernel.gemmByColumns(
              am, transposed: false, bm, transposed: transposedB, into: MutableMatrix($0, rows: m, cols: n))
          }
          whole.withUnsafeMutableBufferPointer {
            Kernel.gemm(am, transposed: false, bm, transposed: transposedB, into: MutableMatrix($0, rows: m, cols: n))
          }
        }
      }
    }
    // Both are float32 sums of k terms in different orders: OpenBLAS's AVX-512 kernels take a
    // small product (7×64·64-column blocks of k = 2048) through their small-matrix path, which
    // rounds differently from the blocked one (2.6e-6 seen, relative; 1-call error 5.8e-7 and
    // split 2.3e-6 against float64). The bound: √k·ε, a typical rounding of such a sum.
    let bound = Float(k).squareRoot() * Float.ulpOfOne
    let worst = zip(split, whole).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .nan
    #expect(worst <= bound, "split and one call differ by \(worst) (relative), over √k·ε = \(bound)")
    #expect(!split.contains { $0.isNaN })
  }

  /// The wide product's dynamic column blocks (TimeAffine's x·W shape, narrowed) against one
  /// single-threaded call, plain and accumulating, with op(A) transposed or not.
  @Test(arguments: [(false, false), (true, false), (false, true)])
  func wideSplitEqualsOneCall(transposedA: Bool, accumulate: Bool) {
    let (m, n, k) = (48, 4100, 96)
    #expect(m * n * k >= Kernel.wideSplitWork && n >= Kernel.wideSplitColumns)
    let a = Self.values(m * k, seed: 3)
    let b = Self.values(k * n, seed: 4)
    let start = Self.values(m * n, seed: 5)
    var split = start
    var whole = start
    var took = false
    a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        let am = transposedA ? Matrix(pa, rows: k, cols: m) : Matrix(pa, rows: m, cols: k)
        let bm = Matrix(pb, rows: k, cols: n)
        split.withUnsafeMutableBufferPointer {
          took = Kernel.gemmSplittingWide(
            am, transposed: transposedA, bm, transposed: false, into: MutableMatrix($0, rows: m, cols: n),
            accumulate: accumulate)
        }
        BLASThreads.singleThreaded {
          whole.withUnsafeMutableBufferPointer {
            Kernel.gemm(
              am, transposed: transposedA, bm, transposed: false, into: MutableMatrix($0, rows: m, cols: n),
              accumulate: accumulate)
          }
        }
      }
    }
    guard took else { return }  // one processor or one BLAS thread: nothing was split
    let worst = zip(split, whole).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .nan
    #expect(worst <= 1e-6, "split and one call differ by \(worst)")
  }

  /// The chunks cover 0..<count in order, aligned, nearly equal, and as many as asked unless
  /// that would make them narrower than minWidth.
  @Test(arguments: [(2600, 16, 64), (650, 16, 64), (10000, 64, 256), (333, 16, 64), (100, 16, 64)])
  func chunkBoundsCoverEvenly(count: Int, align: Int, minWidth: Int) {
    let bounds = Kernel.chunkBounds(count, workers: 2, align: align, minWidth: minWidth)
    #expect(bounds.first == 0 && bounds.last == count)
    let widths = zip(bounds.dropFirst(), bounds).map { $0 - $1 }
    #expect(widths.allSatisfy { $0 > 0 })
    #expect(bounds.dropLast().allSatisfy { $0 % align == 0 })
    #expect(widths.count == max(1, min(2 * Kernel.chunksPerWorker, count / minWidth)))
    #expect((widths.max() ?? 0) - (widths.min() ?? 0) <= 2 * align)
  }
}
