import Foundation
import Testing

@testable import TLKernels

/// Distances between floats for the tests against the C library.
enum ULP {
  /// Distance in units in the last place between two positive finite floats.
  static func ulps(_ a: Float, _ b: Float) -> Int {
    abs(Int(a.bitPattern) - Int(b.bitPattern))
  }
}

/// tanh eight lanes at a time against the C library; σ as the book's formula on NumPy's exp.
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
        worst = max(worst, ULP.ulps(Swift.abs(y[k]), Swift.abs(expected)))
      }
    }
    #expect(worst <= 2, "worst distance from tanhf: \(worst) ULP")
    #expect(
      VectorExp.tanh(
        SIMD8(repeating: 1).replacing(with: .nan, where: [false, false, true, false, false, false, false, false]))
        == nil)
  }

  @Test func sigmoidIsTheBooksFormula() {
    let xs = (0..<4096).map { Float($0 - 2048) / 40 } + [-90, 90, -104, .infinity, -.infinity]
    for start in stride(from: 0, to: xs.count - 7, by: 8) {
      let block = xs[start..<start + 8]
      let y = VectorExp.sigmoid(Self.lanes(block))
      for (k, x) in block.enumerated() {
        let expected = 1 / (1 + NumPyExp.scalar(-x))
        #expect(y[k].bitPattern == expected.bitPattern, "σ(\(x)) = \(y[k]), 1/(1+np.exp(−x)) = \(expected)")
        #expect(ULP.ulps(y[k], 1 / (1 + expf(-x))) <= 4, "σ(\(x)) = \(y[k]) far from the C library's")
      }
    }
  }
}
