import TLSystem

/// The tied weight's gradient sum of a training step (BetterRnnlm's `embed.dW + affine.dW.T`,
/// V×D, in the book's `remove_duplicate`): `a + b.T` in 32×32 tiles, on every core from
/// ``parallelElements`` on. Each output element is one addition, written by exactly one
/// worker, so the bits do not depend on the split. (`W.T` copied stays TLArray's serial
/// `NDArray.transposed()`: split the same way it took no less time on the main thread.)
extension Kernel {
  /// The side of the square tiles: a tile of both arrays stays in the cache.
  @usableFromInline static let transposeTile = 32

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
