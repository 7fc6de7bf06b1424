import Testing

@testable import TLKernels

/// The softmax's row max by lanes against the scalar loop it replaces (the last NaN, else the
/// largest value), over lengths around the 8-lane blocks and the overlapping last block.
@Suite struct RowMaxTests {
  static func scalarMax(_ row: [Float]) -> Float {
    var maxValue = row[0]
    for j in 1..<row.count where row[j] > maxValue || row[j].isNaN { maxValue = row[j] }
    return maxValue
  }

  static func laneMax(_ row: [Float]) throws -> Float {
    try row.withUnsafeBufferPointer { Kernel.rowMax(try #require($0.baseAddress), count: $0.count) }
  }

  @Test(arguments: [1, 7, 8, 9, 15, 16, 17, 31, 40, 10000])
  func equalsTheScalarLoop(count: Int) throws {
    let base = ColumnSplitTests.values(count, seed: UInt64(count))
    var rows: [[Float]] = [base, base.map { -$0 - 2 }, [Float](repeating: -.infinity, count: count)]
    for position in Set([0, count / 2, count - 1]) {  // the max at the start, middle and end
      var row = base
      row[position] = 7
      rows.append(row)
      var nan = base  // NaNs with payloads: the scalar loop's (the last) must come back
      nan[position] = Float(nan: UInt32(position + 1), signaling: false)
      if count > 1 { nan[(position + 1) % count] = Float(nan: 77, signaling: false) }
      rows.append(nan)
    }
    for row in rows {
      let found = try Self.laneMax(row)
      let expected = Self.scalarMax(row)
      #expect(found.bitPattern == expected.bitPattern, "\(found) against \(expected)")
    }
  }

  /// Zeros of both signs: either may come back, and the softmax is the same.
  @Test func signedZeros() throws {
    let row: [Float] = [-0.0, 0.0, -1, -0.0, -3, -4, -5, -6, -7]
    let found = try Self.laneMax(row)
    #expect(found == 0)
  }
}
