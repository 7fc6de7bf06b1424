import Testing

@testable import TLKernels

/// `np.sum(g ** 2)` in NumPy's pairwise order: the split over the workers above
/// ``Kernel/parallelElements`` (forced on four workers by ``Kernel/withRowWorkers(_:_:)``, so it
/// runs on a one-CPU machine too) against the serial recursion (``Kernel/pairwiseDot(_:_:count:)``)
/// bit for bit. NumPy's own bits are checked through clip_grads (TLGraphTests' ClipGradsTests).
@Suite struct SumOfSquaresTests {
  @Test("the split sum of squares has the serial pairwise bits", arguments: [0, 1, 129, 262_143, 262_144, 700_001])
  func splitEqualsSerial(_ count: Int) {
    let base = ColumnSplitTests.values(max(count, 1), seed: 21)
    let float32 = (0..<count).map { base[$0] * Float(1 + $0 % 7) }
    let float64 = float32.map { Double($0) * 1.000_000_1 }
    let split32 = Kernel.withRowWorkers(4) { float32.withUnsafeBufferPointer { Kernel.pairwiseSumOfSquares($0) } }
    let serial32 = float32.withUnsafeBufferPointer { p in
      p.baseAddress.map { Kernel.pairwiseDot($0, $0, count: count) } ?? 0
    }
    #expect(split32.bitPattern == serial32.bitPattern, "float32, n = \(count)")
    let split64 = Kernel.withRowWorkers(4) { float64.withUnsafeBufferPointer { Kernel.pairwiseSumOfSquares($0) } }
    let serial64 = float64.withUnsafeBufferPointer { p in
      p.baseAddress.map { Kernel.pairwiseDot($0, $0, count: count) } ?? 0
    }
    #expect(split64.bitPattern == serial64.bitPattern, "float64, n = \(count)")
    if count > 0 { #expect(split32 > 0) }
  }
}
