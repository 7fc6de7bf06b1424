import Foundation
import Testing

@testable import TLKernels

/// Kernel.addTransposed (the tied weight's `grads[i] + grads[j].T`) has the plain loop's bits,
/// on one worker and split among four, forced by ``Kernel/withRowWorkers(_:_:)`` (so the split
/// path runs on a one-CPU machine too), for shapes that are no multiple of the tile.
@Suite struct AddTransposedTests {
  @Test("a + b.T equals the plain loop", arguments: [(37, 70), (650, 1001)], [1, 4])
  func matchesThePlainLoop(shape: (rows: Int, cols: Int), workers: Int) {
    let (rows, cols) = shape
    let a = (0..<(rows * cols)).map { Float(sin(Double($0) * 0.37)) * 1e-2 }
    let b = (0..<(rows * cols)).map { Float(cos(Double($0) * 0.11)) * 3e-3 }
    var expected = [Float](repeating: 0, count: rows * cols)
    for r in 0..<rows {
      for c in 0..<cols { expected[r * cols + c] = a[r * cols + c] + b[c * rows + r] }
    }
    var out = [Float](repeating: .nan, count: rows * cols)
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        out.withUnsafeMutableBufferPointer { out in
          Kernel.withRowWorkers(workers) { Kernel.addTransposed(a, b, rows: rows, cols: cols, into: out) }
        }
      }
    }
    #expect(out.map(\.bitPattern) == expected.map(\.bitPattern))
    if rows == 650 { #expect(rows * cols >= Kernel.parallelElements) }  // split by default too
  }
}
