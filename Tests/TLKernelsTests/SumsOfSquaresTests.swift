import Foundation
import Testing

@testable import TLKernels

/// The interleaved sums of squares equal, bit for bit, the plain sequential float64 loop of
/// each buffer (the book's `clip_grads` sums; the interleaving must not change any rounding).
@Suite struct SumsOfSquaresTests {
  @Test("each sum has the sequential loop's bits, for buffers of uneven and zero lengths")
  func matchesTheSequentialLoop() {
    let counts = [1000, 0, 3, 4097, 17, 1, 2500, 0, 999, 64]
    let buffers = counts.enumerated().map { index, count in
      (0..<count).map { Float(sin(Double($0 * 31 + index * 7) * 0.37)) * Float(1 << (index % 5)) * 1e-3 }
    }
    let expected = buffers.map { values in values.reduce(0.0) { $0 + Double($1) * Double($1) } }
    let sums = withPointers(buffers, []) { Kernel.sumsOfSquares($0) }
    #expect(sums.map(\.bitPattern) == expected.map(\.bitPattern))
    #expect(Kernel.sumsOfSquares([]).isEmpty)
  }

  private func withPointers(
    _ rest: [[Float]], _ done: [UnsafeBufferPointer<Float>], _ body: ([UnsafeBufferPointer<Float>]) -> [Double]
  ) -> [Double] {
    guard let first = rest.first else { return body(done) }
    return first.withUnsafeBufferPointer { withPointers(Array(rest.dropFirst()), done + [$0], body) }
  }
}
