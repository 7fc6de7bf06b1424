import TLArray
import TLKernels
import Testing

@testable import TLLayers

/// TimeSoftmaxWithLoss's float32 dx against NumPy's arithmetic written out element by element:
/// ((ys − onehot)·dout) in float32, divided by the int64 count in float64 (`dx /= mask.sum()`),
/// rounded back and masked. The backward divides eight lanes at a time in float32 where the
/// count allows it; every bit must still be NumPy's.
@Suite("TimeSoftmaxWithLoss: dx bits")
struct LossGradientBitsTests {
  /// Scores whose softmax holds ordinary, tiny and subnormal probabilities, exact ones and a
  /// NaN row; V = 29 takes three lanes of eight and a scalar tail of five.
  static func scores(n: Int, t: Int, v: Int) -> [Float] {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> Float {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Float(state >> 40) / Float(1 << 24)
    }
    var xs: [Float] = []
    for row in 0..<(n * t) {
      for j in 0..<v {
        switch row % 4 {
        case 0: xs.append(next() * 8 - 4)
        case 1: xs.append(j == 0 ? 0 : -90 - next() * 20)  // subnormal and zero probabilities
        case 2: xs.append(j == 3 ? .nan : next())
        default: xs.append(Float(j % 3))
        }
      }
    }
    return xs
  }

  @Test("dx equals the float64 division rounded back, bit for bit", arguments: [1.0, 0.37, 3.0e-5])
  func bits(_ dout: Double) throws {
    let (n, t, v) = (3, 7, 29)
    var labels = (0..<(n * t)).map { Int32(($0 * 7) % v) }
    labels[4] = -1
    labels[11] = -1
    let xs = Self.scores(n: n, t: t, v: v)
    let layer = TimeSoftmaxWithLoss(ts: NDArray(shape: [n, t], scalars: labels))
    _ = try layer.forward(NDArray(shape: [n, t, v], scalars: xs))
    let dx = try #require(try layer.backward(NDArray(scalar: dout))).scalars(as: Float.self)

    var ys = xs
    ys.withUnsafeMutableBufferPointer { p in
      guard let base = p.baseAddress else { return }
      let m = MutableMatrix(base, rows: n * t, cols: v)
      Kernel.softmaxRows(m.readOnly, into: m)
    }
    let count = Double(labels.filter { $0 != -1 }.count)
    let scale = Float(dout)
    for row in 0..<(n * t) {
      let label = Int(labels[row])
      let hot = label < 0 ? label + v : label  // the ignore label −1 marks the last column
      let keep: Float = label == -1 ? 0 : 1
      for j in 0..<v {
        let y = ys[row * v + j] - (j == hot ? 1 : 0)
        let expected = Float(Double(y * scale) / count) * keep
        #expect(
          dx[row * v + j].bitPattern == expected.bitPattern,
          "row \(row) column \(j): \(dx[row * v + j]) against \(expected)")
      }
    }
    // The subnormal probabilities are really there, so their quotients are exercised.
    #expect(ys.contains { $0 != 0 && !$0.isNormal && !$0.isNaN })
  }
}
