import TLSystem

/// The tied weight's transposes of a training step (BetterRnnlm's affine `W` = `embed.W.T`, V×D):
/// `W.T` copied and `a + b.T`, in 32×32 tiles, on every core from ``parallelElements`` on.
/// Each output element is one copy or one addition, written by exactly one worker, so the bits
/// do not depend on the split.
extension Kernel {
  /// The side of the square tiles: a tile of both arrays stays in the cache.
  @usableFromInline static let transposeTile = 32

  /// `to` ← `from.T`: `from` is (rows, cols) C-ordered, `to` (cols, rows); the workers take
  /// blocks of `to`'s rows (``forEachRowRange(rows:cols:_:)``). The buffers overlap nothing.
  @inlinable
  package static func transpose<T>(
    _ from: UnsafeBufferPointer<T>, rows: Int, cols: Int, into to: UnsafeMutableBufferPointer<T>
  ) {
    precondition(from.count == rows * cols && to.count == rows * cols, "transpose of unequal counts")
    guard let source = from.baseAddress, let target = to.baseAddress else { return }
    let pointers = UncheckedSendable((source, target))
    forEachRowRange(rows: cols, cols: rows) { range in
      let (source, target) = pointers.value
      let tile = transposeTile
      for c0 in stride(from: range.lowerBound, to: range.upperBound, by: tile) {
        for r0 in stride(from: 0, to: rows, by: tile) {
          for c in c0..<min(c0 + tile, range.upperBound) {
            for r in r0..<min(r0 + tile, rows) { target[c * rows + r] = source[r * cols + c] }
          }
        }
      }
    }
  }

  /// `out` ← `a + b.T` (`np.add(a, b.T)`, one rounding per element): `a` and `out` are
  /// (rows, cols), `b` (cols, rows), all C-ordered; the workers take blocks of rows. `out`
  /// overlaps neither input.
  @inlinable
  package static func addTransposed<T: LayerScalar>(
    _ a: UnsafeBufferPointer<T>, _ b: UnsafeBufferPointer<T>, rows: Int, cols: Int,
    into out: UnsafeMutableBufferPointer<T>
  ) {
    precondition(
      a.count == rows * cols && b.count == rows * cols && out.count == rows * cols, "a + b.T of unequal counts")
    guard let x = a.baseAddress, let y = b.baseAddress, let z = out.baseAddress else { return }
    let pointers = UncheckedSendable((x, y, z))
    forEachRowRange(rows: rows, cols: cols) { range in
      let (a, b, out) = pointers.value
      let tile = transposeTile
      for r0 in stride(from: range.lowerBound, to: range.upperBound, by: tile) {
        for c0 in stride(from: 0, to: cols, by: tile) {
          for r in r0..<min(r0 + tile, range.upperBound) {
            for c in c0..<min(c0 + tile, cols) { out[r * cols + c] = a[r * cols + c] + b[c * rows + r] }
          }
        }
      }
    }
  }
}
