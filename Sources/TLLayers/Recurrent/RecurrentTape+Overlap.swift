import TLArray
import TLKernels

/// x·Wx for all N·T rows, computed beside the forward's time loop on the core the loop leaves
/// idle (``OverlappedChunks``), chunk by chunk ahead of the steps that read it. Only where the
/// loop runs the panel product (float32, N ≤ 32, T > 1; the loop is then bound by reading Wh)
/// with OpenBLAS narrowed to one thread, and for products large enough
/// (``OverlappedChunks/worthwhile(multiplyAdds:)``). TimeLSTM forward, N=20, T=35, D=H=650:
/// 46.7 → 39.7 ms and 43.0 → 36.8 ms (medians of 10 interleaved runs, `--timings`).
///
/// A chunk is a few time steps of every sequence: rows n·T + t for t in the chunk's steps,
/// which are not one strided matrix in xs's row order, so each chunk gathers its rows into
/// scratch, multiplies them in one BLAS call (N·steps rows, ~120: a shape OpenBLAS runs near
/// its full rate on one core), and scatters the product rows back. A row's product is the same
/// BLAS dot product over all of K as in one call over all rows (the book-size outputs were
/// bit-identical to the unchunked product's); OpenBLAS picks its kernels by shape, so other
/// shapes may round differently in the last bits, as its own threading may. The chunks are fixed
/// by N and T, not by the threads, so the bits do not depend on timing.
///
/// A backward counterpart (dxs = dA·Wxᵀ behind the backward loop) was measured and left out:
/// the backward loop, left unsplit for the helper's sake, lost what the helper gained (TimeLSTM
/// backward 74.8 → 73.2 ms, within the noise), and dxs changed in its last bits.
extension RecurrentTape {
  /// Time steps per chunk for N rows a step: about 128 rows (6 for the book's N = 20); one
  /// inside ``OverlappedChunks/withForcedUse(_:)``, so that the tests' small layers run many
  /// chunks. Decided once, on the thread that makes the tape (the helper does not see the
  /// task-local).
  static func stepsPerChunk(n: Int) -> Int { OverlappedChunks.isForced ? 1 : max(1, 128 / max(1, n)) }
  /// Chunks covering the T steps.
  var chunkCount: Int { (t + stepsPerChunk - 1) / stepsPerChunk }

  /// Whether the forward's x·Wx runs beside the time loop: the panel
  /// product's conditions (``packs(n:t:)``), inputs already in `T` (read in place), and enough
  /// work. Decided when the tape is made, before the forward computes x·Wx.
  static func overlaps(shapes s: RecurrentShapes, xs: NDArray, wx: NDArray) -> Bool {
    packs(n: s.n, t: s.t) && xs.dtype == T.dtype && wx.dtype == T.dtype
      && OverlappedChunks.worthwhile(multiplyAdds: s.n * s.t * s.d * s.gates * s.h)
  }

  /// The time steps of chunk `chunk`.
  func chunkSteps(_ chunk: Int) -> Range<Int> {
    (chunk * stepsPerChunk)..<min(t, (chunk + 1) * stepsPerChunk)
  }

  /// Scratch for one worker's chunk: N·steps rows of D (x) and of G·H (the product).
  func chunkScratch() -> (rows: Buffer<T>, product: Buffer<T>) {
    let rows = n * stepsPerChunk
    return (Buffer(zeros: rows * d), Buffer(zeros: rows * gh))
  }

  /// x·Wx for the steps of chunk `chunk`, into the gate buffer.
  func inputProduct(chunk: Int, scratch: (rows: Buffer<T>, product: Buffer<T>)) {
    let steps = chunkSteps(chunk)
    gatherRows(steps, from: x.p, width: d, into: scratch.rows.p)
    let rows = n * steps.count
    // One BLAS call, on whichever thread: not `Kernel.gemm`, whose wide split would change the
    // worker count from the helper if OpenBLAS were not narrowed.
    T.gemm(
      transA: false, transB: false, m: rows, n: gh, k: d, alpha: 1, a: scratch.rows.p, lda: d, b: wx.p, ldb: gh,
      beta: 0, c: scratch.product.p, ldc: gh)
    scatterRows(steps, from: scratch.product.p, width: gh, into: a.p)
  }

  /// Copies rows n·T + t (t in `steps`) of a (N·T, width) matrix into N·steps contiguous rows.
  private func gatherRows(
    _ steps: Range<Int>, from source: UnsafePointer<T>, width: Int, into out: UnsafeMutablePointer<T>
  ) {
    let block = steps.count * width
    for row in 0..<n {
      (out + row * block).update(from: source + (row * t + steps.lowerBound) * width, count: block)
    }
  }

  /// The inverse of ``gatherRows(_:from:width:into:)``.
  private func scatterRows(
    _ steps: Range<Int>, from rows: UnsafePointer<T>, width: Int, into out: UnsafeMutablePointer<T>
  ) {
    let block = steps.count * width
    for row in 0..<n {
      (out + (row * t + steps.lowerBound) * width).update(from: rows + row * block, count: block)
    }
  }

  /// Runs `body` with ``OverlappedChunks`` whose chunk `i` calls `work(i, scratch)` with the
  /// running worker's own scratch, and finishes them.
  func overlapping<R>(
    _ work: @escaping (Int, (rows: Buffer<T>, product: Buffer<T>)) -> Void,
    _ body: (OverlappedChunks) -> R
  ) -> R {
    let scratch = [chunkScratch(), chunkScratch()]
    let chunks = OverlappedChunks(chunks: chunkCount) { chunk, worker in
      work(chunk, scratch[worker])
    }
    let result = body(chunks)
    chunks.finish()
    return result
  }
}
