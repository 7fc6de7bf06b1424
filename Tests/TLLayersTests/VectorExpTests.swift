import Foundation
import Testing

@testable import TLLayers

/// The vectorised float32 exp against the C library's `expf`.
@Suite struct VectorExpTests {
  /// Distance in units in the last place between two positive finite floats.
  static func ulps(_ a: Float, _ b: Float) -> Int {
    abs(Int(a.bitPattern) - Int(b.bitPattern))
  }

  static func vectorExp(_ xs: [Float], shift: Float = 0) -> [Float] {
    var out = [Float](repeating: .nan, count: xs.count)
    xs.withUnsafeBufferPointer { src in
      out.withUnsafeMutableBufferPointer { dst in
        VectorExp.expShifted(src.baseAddress!, minus: shift, into: dst.baseAddress!, count: xs.count)
      }
    }
    return out
  }

  @Test func withinOneULPOverTheWholeFastRange() {
    // 2²⁰ evenly spaced points over [−86, 88], plus every float in [−1e-3, 1e-3]'s neighbourhood
    // of 0 that the spacing would skip.
    let count = 1 << 20
    var xs = (0..<count).map { VectorExp.low + (VectorExp.high - VectorExp.low) * Float($0) / Float(count - 1) }
    xs += (0..<4096).map { Float($0 - 2048) * 1e-6 }
    let ys = Self.vectorExp(xs)
    let worst = zip(xs, ys).map { Self.ulps($1, expf($0)) }.max() ?? 0
    #expect(worst <= 1, "worst distance from expf: \(worst) ULP")
  }

  @Test func edgesAreTheCLibrarys() {
    let edges: [Float] = [
      .nan, .infinity, -.infinity, -87.5, -100, -104, 88.8, 89, 0, -0.0, 1, -1, 0.5, 86, -86,
      .leastNonzeroMagnitude, -.greatestFiniteMagnitude,
    ]
    // Each edge in every lane position, surrounded by ordinary values, and in the scalar tail.
    for lane in 0..<8 {
      for edge in edges {
        var xs = [Float](repeating: 0.25, count: 11)
        xs[lane] = edge
        xs[10] = edge
        let ys = Self.vectorExp(xs)
        for (x, y) in zip(xs, ys) {
          let expected = expf(x)
          #expect(y.bitPattern == expected.bitPattern || (y.isNaN && expected.isNaN) || Self.ulps(y, expected) <= 2,
            "exp(\(x)) = \(y), expf gives \(expected)")
        }
        #expect(ys[lane].isNaN == edge.isNaN)
      }
    }
  }

  @Test func shiftIsSubtractedFirst() {
    let xs: [Float] = (0..<19).map { Float($0) - 5 }
    let ys = Self.vectorExp(xs, shift: 3.5)
    for (x, y) in zip(xs, ys) { #expect(Self.ulps(y, expf(x - 3.5)) <= 2) }
  }
}
