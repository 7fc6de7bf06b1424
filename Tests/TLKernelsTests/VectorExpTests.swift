import Foundation
import Testing

@testable import TLKernels

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
        guard let source = src.baseAddress, let target = dst.baseAddress else { return }  // no elements
        VectorExp.expShifted(source, minus: shift, into: target, count: xs.count)
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
          #expect(
            y.bitPattern == expected.bitPattern || (y.isNaN && expected.isNaN) || Self.ulps(y, expected) <= 2,
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

/// σ and tanh eight lanes at a time against the C library.
@Suite struct VectorGateTests {
  static func lanes(_ xs: ArraySlice<Float>) -> SIMD8<Float> { SIMD8(xs) }

  @Test func tanhWithinTwoULPOfTanhf() {
    let count = 1 << 19
    // Dense near 0 (the polynomial), then out to where tanh is ±1, both signs.
    let xs =
      (0..<count).map { i -> Float in
        let u = Float(i) / Float(count - 1)
        return (i % 2 == 0 ? 1 : -1) * (i % 4 < 2 ? u * 0.7 : u * 12)
      } + [0, -0.0, 0.625, -0.625, 9.1, -9.1, 44, 50, -50, .infinity, -.infinity, 1e-30, -1e-30]
    var worst = 0
    for start in stride(from: 0, to: xs.count - 7, by: 8) {
      let block = xs[start..<start + 8]
      guard let y = VectorExp.tanh(Self.lanes(block)) else {
        Issue.record("no vector tanh for \(block)")
        return
      }
      for (k, x) in block.enumerated() {
        let expected = tanhf(x)
        #expect(y[k].sign == expected.sign, "tanh(\(x)) = \(y[k]), tanhf gives \(expected)")
        worst = max(worst, VectorExpTests.ulps(Swift.abs(y[k]), Swift.abs(expected)))
      }
    }
    #expect(worst <= 2, "worst distance from tanhf: \(worst) ULP")
    #expect(
      VectorExp.tanh(
        SIMD8(repeating: 1).replacing(with: .nan, where: [false, false, true, false, false, false, false, false]))
        == nil)
  }

  @Test func sigmoidIsTheBooksFormula() {
    let xs = (0..<4096).map { Float($0 - 2048) / 40 }  // −51.2 … 51.2
    for start in stride(from: 0, to: xs.count, by: 8) {
      let block = xs[start..<start + 8]
      guard let y = VectorExp.sigmoid(Self.lanes(block)) else {
        Issue.record("no vector sigmoid for \(block)")
        return
      }
      for (k, x) in block.enumerated() {
        #expect(VectorExpTests.ulps(y[k], 1 / (1 + expf(-x))) <= 2, "σ(\(x)) = \(y[k])")
      }
    }
    #expect(VectorExp.sigmoid(SIMD8(repeating: -90)) == nil)  // e^90 overflows: the C library's
  }
}
