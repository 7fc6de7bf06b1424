import Foundation
import TLArray
import TLFormats
import TLTestSupport
import Testing

@testable import TLKernels

/// NumPyExp and NumPyLog against NumPy's own float32 `np.exp` and `np.log`
/// (testdata/gen_numpy_math.py: specials, boundaries, double-rounding midpoints of the emulation,
/// random sweeps), bit for bit.
@Suite struct NumPyExpTests {
  static func load(_ function: String = "exp") throws -> (x: [Float], y: [Float]) {
    let x = try NPY.read(path: Fixtures.path("numpy_math/\(function)_x.npy"))
    let y = try NPY.read(path: Fixtures.path("numpy_math/\(function)_y.npy"))
    #expect(x.dtype == .float32 && y.dtype == .float32 && x.shape == y.shape)
    return (x.scalars(as: Float.self), y.scalars(as: Float.self))
  }

  static func expShifted(_ xs: [Float], shift: Float = 0) -> [Float] {
    var out = [Float](repeating: 0, count: xs.count)
    xs.withUnsafeBufferPointer { src in
      out.withUnsafeMutableBufferPointer { dst in
        guard let source = src.baseAddress, let target = dst.baseAddress else { return }
        NumPyExp.expShifted(source, minus: shift, into: target, count: xs.count)
      }
    }
    return out
  }

  static func mismatches(_ x: [Float], _ got: [Float], _ expected: [Float]) -> [String] {
    zip(x, zip(got, expected)).filter { $1.0.bitPattern != $1.1.bitPattern }.map {
      "f(\($0) = 0x\(String($0.bitPattern, radix: 16))) = 0x\(String($1.0.bitPattern, radix: 16)), "
        + "NumPy 0x\(String($1.1.bitPattern, radix: 16))"
    }
  }

  @Test("eight lanes at a time, the tail, one by one and the fmaf reference all give NumPy's bits")
  func bitForBit() throws {
    let (x, y) = try Self.load()
    #expect(x.count > 4000)
    let vector = Self.expShifted(x)
    #expect(Self.mismatches(x, vector, y).isEmpty, "\(Self.mismatches(x, vector, y).prefix(10))")
    let single = x.map { NumPyExp.exp($0) }
    #expect(Self.mismatches(x, single, y).isEmpty, "\(Self.mismatches(x, single, y).prefix(10))")
    let reference = x.map { NumPyExp.scalar($0) }
    #expect(Self.mismatches(x, reference, y).isEmpty, "\(Self.mismatches(x, reference, y).prefix(10))")
    // Every offset into the blocks of eight (a lane sees the same bits wherever it sits).
    for offset in 1..<8 {
      let shifted = Self.expShifted(Array(x[offset...]))
      #expect(Self.mismatches(Array(x[offset...]), shifted, Array(y[offset...])).isEmpty, "offset \(offset)")
    }
    // The layers' float32 exp is this one.
    #expect(Self.mismatches(x, x.map { Float.exp($0) }, y).isEmpty)
  }

  @Test("the fixture reaches the special cases and the fallback")
  func coverage() throws {
    let (x, y) = try Self.load()
    #expect(y.contains { $0 == .infinity } && y.contains { $0 == 0 } && y.contains { $0.isNaN })
    #expect(y.contains { $0.isSubnormal })
    #expect(y.filter(\.isNaN).allSatisfy { $0.bitPattern == 0x7FC0_0000 })
    #expect(x.contains(-0.25) && x.contains(Float(bitPattern: 0x3D2B_4000)))
    // The C library's expf is not NumPy's: the fixture tells them apart.
    #expect(zip(x, y).filter { expf($0).bitPattern != $1.bitPattern && !$1.isNaN }.count > 100)
  }

  @Test("the shift is subtracted in float32 before the exp")
  func shift() throws {
    let (x, _) = try Self.load()
    let finite = x.filter(\.isFinite).prefix(1000).map { $0 / 4 }
    let got = Self.expShifted(finite, shift: 3.5)
    #expect(Self.mismatches(finite, got, finite.map { NumPyExp.scalar($0 - 3.5) }).isEmpty)
  }

  @Test("np.log: eight lanes at a time, one by one and the fmaf reference all give NumPy's bits")
  func logBitForBit() throws {
    let (x, y) = try Self.load("log")
    #expect(x.count > 4000)
    var vector = [Float]()
    for start in stride(from: 0, to: x.count, by: 8) {
      var lanes = SIMD8<Float>(repeating: 1)
      for k in 0..<min(8, x.count - start) { lanes[k] = x[start + k] }
      let out = NumPyLog.log(lanes)
      for k in 0..<min(8, x.count - start) { vector.append(out[k]) }
    }
    #expect(Self.mismatches(x, vector, y).isEmpty, "\(Self.mismatches(x, vector, y).prefix(10))")
    let reference = x.map { NumPyLog.scalar($0) }
    #expect(Self.mismatches(x, reference, y).isEmpty, "\(Self.mismatches(x, reference, y).prefix(10))")
    // The layers' float32 log is this one; the C library's logf is not NumPy's.
    #expect(Self.mismatches(x, x.map { Float.log($0) }, y).isEmpty)
    #expect(zip(x, y).filter { logf($0).bitPattern != $1.bitPattern && !$1.isNaN }.count > 100)
    #expect(Set(y.filter(\.isNaN).map(\.bitPattern)) == [0x7FC0_0000, 0xFFC0_0000])
    #expect(y.contains(-.infinity) && y.contains(.infinity) && x.contains { $0.isSubnormal })
  }

  /// The fixture's inputs and every 16411th float32 bit pattern (262,000: all signs, exponents,
  /// subnormals and NaN payloads).
  static func sweep() throws -> [Float] {
    let (x, _) = try Self.load()
    return x + stride(from: UInt64(0), to: 1 << 32, by: 16411).map { Float(bitPattern: UInt32($0)) }
  }

  /// `body(src, dst, count)` over `xs` into a fresh array.
  static func mapped(_ xs: [Float], _ body: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Bool)
    -> [Float]?
  {
    var out = [Float](repeating: 0, count: xs.count)
    let done = xs.withUnsafeBufferPointer { src in
      out.withUnsafeMutableBufferPointer { dst in
        guard let source = src.baseAddress, let target = dst.baseAddress else { return false }
        return body(source, target, xs.count)
      }
    }
    return done ? out : nil
  }

  @Test("sixteen AVX-512 lanes at a time give the AVX2 loop's bits (exp and σ)")
  func avx512Lanes() throws {
    guard NumPyMathPath.hasAVX512F else { return }  // nothing to compare on this CPU
    let x = try Self.sweep()
    for offset in [0, 5] {  // blocks of sixteen, and a tail of fewer that the AVX2 loop takes
      let xs = Array(x[offset...])
      var results: [[Float]] = []
      for sixteen in [true, false] {
        results.append(
          try #require(
            Self.mapped(xs) { NumPyExp.expShiftedInC($0, minus: 0.375, into: $1, count: $2, sixteenLanes: sixteen) }))
        results.append(
          try #require(Self.mapped(xs) { NumPyExp.sigmoidInC($0, into: $1, count: $2, sixteenLanes: sixteen) }))
      }
      #expect(
        Self.mismatches(xs, results[0], results[2]).isEmpty, "\(Self.mismatches(xs, results[0], results[2]).prefix(5))")
      #expect(
        Self.mismatches(xs, results[1], results[3]).isEmpty, "\(Self.mismatches(xs, results[1], results[3]).prefix(5))")
    }
  }
}
