internal import CTLMath
import TLSystem

/// A float32 matrix op(B) (K×n) packed once into 16-column panels, for many products A·op(B)
/// with few rows of A: a recurrent layer's time loop, where every step multiplies N ≤ 32 rows
/// by the same Wh (forward, h_prev·Wh) or Whᵀ (backward, dA·Whᵀ). Each OpenBLAS call re-packs
/// all of B for those few rows, and the packing costs as much as the product: for TimeLSTM's
/// 20×650·650×2600, Debian's OpenBLAS 0.3.21 (SkylakeX kernels) gives 70 GFLOP/s on one core
/// and 61 for the backward's 20×2600·2600×650; this product, with B packed once per time loop,
/// 121 for both (best of 40 runs of 35 steps, C loop in `Sources/CTLMath/panel_gemm.c`); two
/// cores split the panels, but the loop is bound by reading Wh (6.8 MB a step) and gains less.
///
/// Each element of C is one float32 fused multiply-add chain over K in order, in a vector lane
/// of its own: the bits do not depend on how the panels are split over the cores. They may
/// differ from OpenBLAS's by the summation order (OpenBLAS sums K in blocks), as NumPy's own
/// OpenBLAS kernels do. Only on x86-64 CPUs with AVX-512F (``isAvailable``); elsewhere the
/// caller stays with BLAS.
package final class PanelProduct {
  /// Whether this CPU (and operating system) runs the panel product: AVX-512F on x86-64.
  package static let isAvailable = CTLMath_has_avx512f() != 0

  /// Whether the recurrent loops of the calling task use the panel product: the CPU has it and
  /// the task is not inside ``withBLASSteps(_:)``.
  package static var isUsed: Bool { isAvailable && !blasSteps }

  /// Set by ``withBLASSteps(_:)`` for its task only.
  @TaskLocal private static var blasSteps = false

  /// Runs `body` with the recurrent time loops it starts on BLAS (the tests' way to run that
  /// path on a CPU with AVX-512F too). Task-local, not process-wide: the choice is made on the
  /// thread that starts a loop, and tests running meanwhile in other tasks, which compare bits
  /// between their own runs, keep the panel product (a process-wide switch gave them BLAS's
  /// bits in one run and the panels' in the next).
  package static func withBLASSteps<R>(_ body: () throws -> R) rethrows -> R {
    try $blasSteps.withValue(true) { try body() }
  }

  /// Columns per panel.
  package static let panelWidth = Int(CTLMATH_PANEL_WIDTH)

  /// op(B)'s shape: K rows, n columns.
  package let k: Int, n: Int
  /// The first element of op(B) and how it was read, to tell whether a later product asks for
  /// the same matrix.
  private let source: UnsafePointer<Float>, ld: Int, transposed: Bool
  private let panels: UnsafeMutablePointer<Float>
  private let byteCount: Int
  /// Whether `panels` are pages of their own (``Memory/mapPages(byteCount:)``), not the heap's.
  private let mapped: Bool
  private let panelCount: Int
  /// A's rows packed by tiles for the product (CTLMath_pack_rows_f32), reused from call to call.
  private var rows: UnsafeMutablePointer<Float>?
  private var rowCapacity = 0

  /// Packs op(B) = `b` (or `b`ᵀ when `transposed`), K×n, into ceil(n/16) panels of K×16 floats
  /// (`K·16·ceil(n/16)` floats, 6.8 MB for TimeLSTM's 650×2600 Wh). nil when ``isAvailable``
  /// is false or the system refuses the memory (the caller stays with BLAS).
  package init?(_ b: Matrix<Float>, transposed: Bool) {
    guard Self.isAvailable else { return nil }
    (k, n) = transposed ? (b.cols, b.rows) : (b.rows, b.cols)
    (source, ld, self.transposed) = (b.base, b.ld, transposed)
    panelCount = (n + Self.panelWidth - 1) / Self.panelWidth
    let count = max(1, panelCount * k * Self.panelWidth)
    byteCount = count * MemoryLayout<Float>.stride
    // From one huge page up, huge pages where the system gives them (4 page faults instead of
    // 1700 for 6.8 MB); below, the heap (a small layer would pay for zeroing a whole 2 MiB).
    mapped = byteCount >= Memory.hugePage
    if mapped {
      guard let pages = Memory.mapPages(byteCount: byteCount) else { return nil }
      panels = pages.bindMemory(to: Float.self, capacity: count)
    } else {
      panels = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
        .bindMemory(to: Float.self, capacity: count)
    }
    #if arch(x86_64)
      CTLMath_pack_panels_f32(b.base, b.ld, transposed ? 1 : 0, k, n, panels)
    #endif
  }

  deinit {
    if mapped { Memory.unmapPages(panels, byteCount: byteCount) } else { panels.deallocate() }
    rows?.deallocate()
  }

  /// Whether op(`b`) (`b`ᵀ when `transposed`) is the matrix packed here: the same memory read
  /// the same way (its values are the caller's to keep unchanged meanwhile).
  package func holds(_ b: Matrix<Float>, transposed: Bool) -> Bool {
    b.base == source && b.ld == ld && transposed == self.transposed
      && (transposed ? (b.cols, b.rows) : (b.rows, b.cols)) == (k, n)
  }

  /// C ← A·op(B), or C ← C + A·op(B) (the product rounded first, as BLAS's beta = 1) when
  /// `accumulate`; A is m×K, C m×n. With `split`, the panels are cut into chunks that the
  /// workers take as they become free (``Kernel/forEachRowRange(rows:work:threshold:_:)``, from
  /// ``Kernel/columnSplitWork`` multiply-adds): for a caller that is the only thread computing
  /// (the pipeline's time loop with OpenBLAS narrowed to one thread). The bits are the same
  /// either way.
  /// Not for calls from several threads at once on one instance (A is packed into its scratch).
  package func multiply(_ a: Matrix<Float>, into c: MutableMatrix<Float>, accumulate: Bool, split: Bool) {
    precondition(
      a.cols == k && c.rows == a.rows && c.cols == n,
      "panel product (\(a.rows)×\(a.cols))·(\(k)×\(n)) into \(c.rows)×\(c.cols)")
    let needed = max(1, a.rows * k)
    if needed > rowCapacity {
      rows?.deallocate()
      rows = UnsafeMutablePointer<Float>.allocate(capacity: needed)
      rowCapacity = needed
    }
    guard let scratch = rows else { return }
    #if arch(x86_64)
      CTLMath_pack_rows_f32(a.base, a.ld, a.rows, k, scratch)
    #endif
    let (rows, panels, panelCount, k, n) = (UnsafePointer(scratch), UnsafePointer(self.panels), panelCount, k, n)
    let run = { (range: Range<Int>) in
      #if arch(x86_64)
        CTLMath_panel_gemm_f32(
          rows, a.rows, panels, k, n, range.lowerBound, range.upperBound, c.base, c.ld, accumulate ? 1 : 0)
      #endif
    }
    guard split else { return run(0..<panelCount) }
    Kernel.forEachRowRange(rows: panelCount, work: a.rows * n * k, threshold: Kernel.columnSplitWork, run)
  }
}
