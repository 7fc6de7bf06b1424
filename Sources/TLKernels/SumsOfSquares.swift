import Dispatch
import TLSystem

extension Kernel {
  /// `np.sum(g ** 2)` of a contiguous float32 or float64 buffer as NumPy 2 computes it (the term
  /// of the book's `clip_grads`, common/util.py): each square rounded to `T`, the squares added
  /// in NumPy's pairwise order over all the elements (``pairwiseDot(_:_:count:)``; NumPy
  /// coalesces a contiguous array's axes into one inner loop when no axis is given). From
  /// ``parallelElements`` on, the pairwise tree's top three levels are cut into its eight
  /// subtrees, which the workers take as they become free, and the eight sums are added in the
  /// tree's order: the bits are the serial recursion's whatever the number of workers. The split
  /// is taken when more than one worker is available, or forced by ``withRowWorkers(_:_:)``.
  @inlinable
  package static func pairwiseSumOfSquares<T: LayerScalar>(_ values: UnsafeBufferPointer<T>) -> T {
    guard let base = values.baseAddress, !values.isEmpty else { return 0 }
    let n = values.count
    let forced = forcedWorkers
    guard n >= parallelElements, forced > 1 || (forced == 0 && Processors.available > 1) else {
      return pairwiseDot(base, base, count: n)
    }
    // The recursion's split: the first half rounded down to a multiple of 8. Every node of the
    // top three levels holds more than 128 elements here, so each splits as the recursion would.
    func halves(_ part: (Int, Int)) -> [(Int, Int)] {
      var half = part.1 / 2
      half -= half % 8
      return [(part.0, half), (part.0 + half, part.1 - half)]
    }
    let leaves = [(0, n)].flatMap(halves).flatMap(halves).flatMap(halves)
    var sums = [T](repeating: 0, count: leaves.count)
    sums.withUnsafeMutableBufferPointer { sums in
      let shared = UncheckedSendable((base, sums))
      Kernel.concurrentPerform(iterations: leaves.count) { leaf in
        let (base, sums) = shared.value
        sums[leaf] = pairwiseDot(base + leaves[leaf].0, base + leaves[leaf].0, count: leaves[leaf].1)
      }
    }
    return ((sums[0] + sums[1]) + (sums[2] + sums[3])) + ((sums[4] + sums[5]) + (sums[6] + sums[7]))
  }
}
