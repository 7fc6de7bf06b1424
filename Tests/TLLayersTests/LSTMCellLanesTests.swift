import TLArray
import TLKernels
import Testing

@testable import TLLayers

/// The float32 LSTM step's elementwise part in AVX2 lanes (C) against the Swift lanes it
/// stands in for: hs, c and every gradient byte for byte the same, over units that cover full
/// blocks of eight and a tail, gates from saturated to near zero, |x| on both sides of tanh's
/// 0.625 switch, and a NaN in one block's g sum (that block goes to the scalar loop on both
/// paths).
struct LSTMCellLanesTests {
  /// Deterministic values in [−scale, scale).
  static func values(_ count: Int, seed: UInt64, scale: Float) -> [Float] {
    var state = seed
    return (0..<count).map { _ in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return (Float(state >> 40) / Float(1 << 24) * 2 - 1) * scale
    }
  }

  static func run(nanInBias: Bool) throws -> [NDArray] {
    let (n, t, d, h) = (3, 1, 5, 29)
    var b = Self.values(4 * h, seed: 3, scale: 4)
    if nanInBias { b[h + 10] = .nan }  // unit 10's g: the second block of eight
    let layer = try TimeRecurrentLayer(
      .lstm,
      config: LayerConfig(
        name: "lstm",
        params: [
          "Wx": NDArray(shape: [d, 4 * h], scalars: Self.values(d * 4 * h, seed: 1, scale: 3)),
          "Wh": NDArray(shape: [h, 4 * h], scalars: Self.values(h * 4 * h, seed: 2, scale: 0.5)),
          "b": NDArray(shape: [4 * h], scalars: b),
        ],
        state: ["c": NDArray(shape: [n, h], scalars: Self.values(n * h, seed: 4, scale: 2))]))
    let hs = try layer.forward(NDArray(shape: [n, t, d], scalars: Self.values(n * t * d, seed: 5, scale: 2)))
    let dx = try layer.backward(NDArray(shape: [n, t, h], scalars: Self.values(n * t * h, seed: 6, scale: 1)))
    var results: [NDArray] = [hs]
    if let dx { results.append(dx) }
    results += layer.grads
    results += layer.extraOutputs.map(\.array)
    return results
  }

  @Test("the C lanes give the Swift lanes' bytes", arguments: [false, true])
  func samePaths(nanInBias: Bool) throws {
    let viaDefault = try Self.run(nanInBias: nanInBias)
    let viaSwift = try NumPyMathPath.withSwiftPath { try Self.run(nanInBias: nanInBias) }
    #expect(viaDefault.count == viaSwift.count)
    for (index, (a, b)) in zip(viaDefault, viaSwift).enumerated() {
      let same = a.withUnsafeBytes { x in b.withUnsafeBytes { y in x.elementsEqual(y) } }
      #expect(same, "output \(index) differs between the paths")
    }
    let hs = viaDefault[0].scalars(as: Float.self)
    // The NaN stays in its unit (T = 1): the other units of its block took the scalar loop.
    #expect(hs.filter(\.isNaN).count == (nanInBias ? 3 : 0))
    #expect(hs.contains { abs($0) > 0.9 } && hs.contains { abs($0) < 0.1 })
  }

  /// The cell update alone over 4096 units: g sums swept densely over [−10, 10] (both sides of
  /// 0.625, saturation at both ends) and random gates, C against Swift, every lane's bits.
  @Test func cellUpdateBits() throws {
    let h = 4096
    var x = Self.values(4 * h, seed: 7, scale: 1).map { $0 * 0.5 + 0.5 }  // f, i, o in [0, 1)
    for j in 0..<h { x[h + j] = Float(j) / Float(h) * 20 - 10 }  // g before its sums
    let p = Self.values(4 * h, seed: 8, scale: 0.01)
    let b = Self.values(4 * h, seed: 9, scale: 0.01)
    let cPrev = Self.values(h, seed: 10, scale: 3)
    func run(_ inC: Bool) throws -> [[Float]] {
      var (gates, cNext, tanhC, hNext) = (
        x, [Float](repeating: 0, count: h), [Float](repeating: 0, count: h), [Float](repeating: 0, count: h)
      )
      let done = try gates.withUnsafeMutableBufferPointer { gx in
        try cNext.withUnsafeMutableBufferPointer { cn in
          try tanhC.withUnsafeMutableBufferPointer { tc in
            try hNext.withUnsafeMutableBufferPointer { hn in
              let (g, c, t, o) = try (
                #require(gx.baseAddress), #require(cn.baseAddress), #require(tc.baseAddress), #require(hn.baseAddress)
              )
              return try p.withUnsafeBufferPointer { pp in
                try b.withUnsafeBufferPointer { bb in
                  try cPrev.withUnsafeBufferPointer { cp in
                    let (pb, bp, cpb) = try (
                      #require(pp.baseAddress), #require(bb.baseAddress), #require(cp.baseAddress)
                    )
                    if inC {
                      return LSTMCellLanes.cell(
                        x: g, p: pb, b: bp, cPrev: cpb, cNext: c, tanhC: t, hNext: o, h: h, from: 0)
                    }
                    return LSTMLanes.forward(
                      x: .init(g), p: .init(pb), b: .init(bp), cPrev: .init(cpb), cNext: .init(c), tanhC: .init(t),
                      hNext: .init(o), h: h,
                      scalar: { _ in Issue.record("no lane here needs the scalar loop") })
                  }
                }
              }
            }
          }
        }
      }
      #expect(done == h)
      return [gates, cNext, tanhC, hNext]
    }
    guard LSTMCellLanes.isAvailable else { return }  // a CPU without AVX2: only the Swift lanes exist
    let (viaC, viaSwift) = (try run(true), try run(false))
    for (name, (a, b)) in zip(["g", "c", "tanh(c)", "h"], zip(viaC, viaSwift)) {
      let differing = zip(a, b).filter { $0.bitPattern != $1.bitPattern }.count
      #expect(differing == 0, "\(name): \(differing) values differ")
    }
  }

  /// The backward's gate gradients in C against the Swift loop of `LSTMCell.backwardStep`
  /// (written out here), for 29 units (three blocks of eight and a tail of five), bit for bit.
  @Test func backwardGateBits() throws {
    guard LSTMCellLanes.isAvailable else { return }
    let h = 29
    let gates = Self.values(4 * h, seed: 11, scale: 1).map { $0 * 0.5 + 0.5 }
    let (cPrev, tanhC) = (Self.values(h, seed: 12, scale: 2), Self.values(h, seed: 13, scale: 1))
    let (dh, dc) = (Self.values(h, seed: 14, scale: 1), Self.values(h, seed: 15, scale: 1))
    var (x, dcn) = (gates, dc)
    let done = x.withUnsafeMutableBufferPointer { xp in
      dcn.withUnsafeMutableBufferPointer { dp in
        guard let xb = xp.baseAddress, let db = dp.baseAddress else { return false }
        LSTMCellLanes.cellBackward(x: xb, cPrev: cPrev, tanhC: tanhC, dh: dh, dc: db, h: h)
        return true
      }
    }
    #expect(done)
    var (ex, edc) = (gates, dc)
    for j in 0..<h {
      let (f, g, i, o) = (ex[j], ex[h + j], ex[2 * h + j], ex[3 * h + j])
      let tc = tanhC[j]
      let ds = edc[j] + (dh[j] * o) * (1 - tc * tc)
      edc[j] = ds * f
      ex[j] = (ds * cPrev[j]) * (f * (1 - f))
      ex[h + j] = (ds * i) * (1 - g * g)
      ex[2 * h + j] = (ds * g) * (i * (1 - i))
      ex[3 * h + j] = (dh[j] * tc) * (o * (1 - o))
    }
    #expect(zip(x, ex).allSatisfy { $0.bitPattern == $1.bitPattern })
    #expect(zip(dcn, edc).allSatisfy { $0.bitPattern == $1.bitPattern })
  }
}
