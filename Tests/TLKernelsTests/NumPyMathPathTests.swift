import Foundation
import TLArray
import TLTestSupport
import Testing

@testable import TLKernels

/// The two paths of NumPy's float32 exp and log over buffers (``NumPyMathPath``): the C loops
/// (CTLMath, AVX2/FMA3) where the CPU has them and the Swift emulation forced by
/// `withSwiftPath`, each against NumPy's fixtures (testdata/gen_numpy_math.py) bit for bit, and
/// against each other on random inputs.
@Suite struct NumPyMathPathTests {
  /// `body` on the default path (C where the CPU has AVX2/FMA3) and on the forced Swift path.
  static func bothPaths(_ body: (String) -> Void) {
    body(NumPyMathPath.hasAVX2FMA ? "C" : "Swift (no AVX2/FMA3 here)")
    NumPyMathPath.withSwiftPath {
      #expect(!NumPyMathPath.usesC)
      body("Swift")
    }
  }

  static func buffer(_ xs: [Float], _ f: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void)
    -> [Float]
  {
    var out = [Float](repeating: 0, count: xs.count)
    xs.withUnsafeBufferPointer { src in
      out.withUnsafeMutableBufferPointer { dst in
        guard let source = src.baseAddress, let target = dst.baseAddress else { return }
        f(source, target, xs.count)
      }
    }
    return out
  }

  static func exp(_ xs: [Float], shift: Float = 0) -> [Float] {
    buffer(xs) { NumPyExp.expShifted($0, minus: shift, into: $1, count: $2) }
  }
  static func sigmoid(_ xs: [Float]) -> [Float] { buffer(xs) { NumPyExp.sigmoid($0, into: $1, count: $2) } }
  static func log(_ xs: [Float]) -> [Float] { buffer(xs) { NumPyLog.log($0, into: $1, count: $2) } }

  @Test("np.exp's fixture through both paths: whole blocks, every tail length, in place")
  func expFixture() throws {
    let (x, y) = try NumPyExpTests.load()
    Self.bothPaths { path in
      let got = Self.exp(x)
      #expect(NumPyExpTests.mismatches(x, got, y).isEmpty, "\(path): \(NumPyExpTests.mismatches(x, got, y).prefix(5))")
      for count in 1..<17 {  // the tail's masked load and store at every length
        let part = Self.exp(Array(x[100..<100 + count]))
        #expect(NumPyExpTests.mismatches(Array(x[100..<100 + count]), part, Array(y[100..<100 + count])).isEmpty)
      }
      var inPlace = x
      inPlace.withUnsafeMutableBufferPointer { p in
        guard let base = p.baseAddress else { return }
        NumPyExp.expShifted(base, minus: 0, into: base, count: p.count)
      }
      #expect(NumPyExpTests.mismatches(x, inPlace, y).isEmpty, "\(path) in place")
      // The shift is subtracted in float32 first.
      let finite = x.filter(\.isFinite).prefix(1000).map { $0 / 4 }
      let shifted = Self.exp(finite, shift: 3.5)
      #expect(NumPyExpTests.mismatches(finite, shifted, finite.map { NumPyExp.scalar($0 - 3.5) }).isEmpty, "\(path)")
    }
  }

  @Test("the book's sigmoid 1/(1+np.exp(−x)) through both paths: NumPy's exp fixture on −x")
  func sigmoidFixture() throws {
    let (x, y) = try NumPyExpTests.load()
    let negated = x.map { -$0 }
    let expected = y.map { 1 / (1 + $0) }
    Self.bothPaths { path in
      let got = Self.sigmoid(negated)
      #expect(
        NumPyExpTests.mismatches(negated, got, expected).isEmpty,
        "\(path): \(NumPyExpTests.mismatches(negated, got, expected).prefix(5))")
      // Kernel.sigmoid, the layers' σ, is this one.
      let kernel = Self.buffer(negated) { Kernel.sigmoid($0, into: $1, count: $2) }
      #expect(NumPyExpTests.mismatches(negated, kernel, expected).isEmpty, "\(path) Kernel.sigmoid")
    }
  }

  @Test("np.log's fixture through both paths, as a buffer and one element at a time")
  func logFixture() throws {
    let (x, y) = try NumPyExpTests.load("log")
    Self.bothPaths { path in
      let got = Self.log(x)
      #expect(NumPyExpTests.mismatches(x, got, y).isEmpty, "\(path): \(NumPyExpTests.mismatches(x, got, y).prefix(5))")
      let single = x.map { NumPyLog.log($0) }
      #expect(NumPyExpTests.mismatches(x, single, y).isEmpty, "\(path) one by one")
      for count in 1..<17 {
        let part = Self.log(Array(x[50..<50 + count]))
        #expect(NumPyExpTests.mismatches(Array(x[50..<50 + count]), part, Array(y[50..<50 + count])).isEmpty)
      }
    }
  }

  @Test("the C loops are chosen exactly where /proc/cpuinfo lists avx2 and fma (never off x86-64)")
  func dispatch() throws {
    #if os(Linux) && arch(x86_64)
      let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
      let flags = cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") }.map {
        Set($0.split(separator: " ").map(String.init))
      }
      let listed = try #require(flags, "/proc/cpuinfo has no flags line")
      #expect(NumPyMathPath.hasAVX2FMA == (listed.contains("avx2") && listed.contains("fma")))
    #elseif !arch(x86_64)
      #expect(!NumPyMathPath.hasAVX2FMA)
    #endif
  }

  @Test(
    "C and Swift paths agree on random inputs (bit patterns and the softmax's range)",
    .enabled(if: NumPyMathPath.hasAVX2FMA, "the C loops need AVX2 and FMA3"))
  func randomAgreement() {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> UInt32 {  // splitmix64
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return UInt32(truncatingIfNeeded: z ^ (z >> 31))
    }
    let n = 1 << 13  // the Swift path is slow in a debug build; the whole 2³² sweep is docs/layers.md §10
    let patterns = (0..<n).map { _ in Float(bitPattern: next()) }
    let softmaxRange = (0..<n).map { _ in -30 * Float(next() >> 8) / Float(1 << 24) }
    let positive = (0..<n).map { _ in Float(bitPattern: next() & 0x7FFF_FFFF) }
    for (name, xs) in [("bit patterns", patterns), ("[-30, 0]", softmaxRange), ("positive", positive)] {
      let (expC, sigmoidC, logC) = (Self.exp(xs), Self.sigmoid(xs), Self.log(xs))
      let (expSwift, sigmoidSwift, logSwift) = NumPyMathPath.withSwiftPath {
        (Self.exp(xs), Self.sigmoid(xs), Self.log(xs))
      }
      #expect(NumPyExpTests.mismatches(xs, expC, expSwift).isEmpty, "exp \(name)")
      #expect(NumPyExpTests.mismatches(xs, sigmoidC, sigmoidSwift).isEmpty, "sigmoid \(name)")
      #expect(NumPyExpTests.mismatches(xs, logC, logSwift).isEmpty, "log \(name)")
    }
  }
}
