import Testing

@testable import TLKernels

/// The fused pairwise dot product against the pairwise sum of the stored products.
@Suite struct PairwiseDotTests {
  /// Every length through the three branches (sequential, eight partial sums, halves), in
  /// float32 and float64, with values whose products round: the same bits.
  @Test func sameBitsAsSumOfProducts() {
    let lengths = Array(0...140) + [255, 256, 257, 650, 1000, 1031]
    let a32 = ColumnSplitTests.values(1031, seed: 11)
    let b32 = ColumnSplitTests.values(1031, seed: 12)
    let a64 = a32.map { Double($0) * 1.000_000_1 }
    let b64 = b32.map { Double($0) / 3 }
    for n in lengths {
      #expect(Self.fused(a32, b32, n).bitPattern == Self.stored(a32, b32, n).bitPattern, "float32, n = \(n)")
      #expect(Self.fused(a64, b64, n).bitPattern == Self.stored(a64, b64, n).bitPattern, "float64, n = \(n)")
    }
    // The sum is not trivially zero.
    #expect(Self.fused(a32, b32, 1031) != 0)
  }

  static func fused<T: LayerScalar>(_ a: [T], _ b: [T], _ n: Int) -> T {
    a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        guard let x = pa.baseAddress, let y = pb.baseAddress else { return .nan }
        return Kernel.pairwiseDot(x, y, count: n)
      }
    }
  }

  static func stored<T: LayerScalar>(_ a: [T], _ b: [T], _ n: Int) -> T {
    let products = (0..<n).map { a[$0] * b[$0] }
    return products.withUnsafeBufferPointer { p in
      guard let base = p.baseAddress else { return 0 }
      return Kernel.pairwiseSum(base, count: n)
    }
  }
}
