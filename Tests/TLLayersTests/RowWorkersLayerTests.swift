import TLArray
import TLKernels
import TLTestSupport
import Testing

@testable import TLLayers

/// The layers' batch-row loops (attention, the LSTM step's lanes) give the same bytes on any
/// number of workers: every fixture case on 1 and on 4 workers (the fixtures' own tests compare
/// them with NumPy), and cases above the thresholds on the default workers and on 4 against 1
/// (4 forced, so the split path runs on a one-CPU machine too).
/// Serialised: ``Kernel/withRowWorkers(_:_:)`` is process-wide.
@Suite(.serialized) struct RowWorkersLayerTests {
  /// Deterministic values in [−scale, scale) (a 64-bit LCG), as float32.
  static func values(_ shape: [Int], seed: UInt64, scale: Double = 1) -> NDArray {
    var state = seed
    let scalars = (0..<shape.reduce(1, *)).map { _ in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return scale * Double(Int64(bitPattern: state >> 11) % 2_000_000) / 2_000_000
    }
    return NDArray(shape: shape, scalars: scalars).astype(.float32)
  }

  @Test(
    "a layer's fixture case gives the same bytes on 1 and 4 row workers",
    arguments: try LayerFixture.all(ofTypes: ["TimeLSTM", "TimeBiLSTM", "TimeGRU", "TimeAttention"]))
  func fixtureOnWorkers(_ name: String) throws {
    let serial = try Kernel.withRowWorkers(1) { try NumPyMathPathLayerTests.run(name) }
    let split = try Kernel.withRowWorkers(4) { try NumPyMathPathLayerTests.run(name) }
    #expect(!serial.isEmpty)
    #expect(Set(serial.keys) == Set(split.keys))
    for (key, array) in serial {
      #expect(split[key] == array, "\(name): \(key) differs between 1 and 4 row workers")
    }
  }

  /// The processors the loops may use.
  static var cores: Int { Kernel.rowWorkers(rows: 1 << 20, work: 1, threshold: 0) }

  /// Whether a call of `work` rows·columns at `threshold` takes the split path here.
  static func splits(rows: Int, work: Int, threshold: Int) -> Bool {
    Kernel.rowWorkers(rows: rows, work: work, threshold: threshold) > 1
  }

  @Test("attention above the threshold: the default workers give the bytes of one")
  func attentionAboveThreshold() {
    let (n, tEnc, tDec, h) = (16, 17, 4, 256)
    #expect(n * tEnc * tDec * h >= AttentionRun<Float>.parallelWork)
    if Self.cores > 1 {
      #expect(Self.splits(rows: n, work: n * tEnc * tDec * h, threshold: AttentionRun<Float>.parallelWork))
    }
    let enc = Self.values([n, tEnc, h], seed: 1)
    let dec = Self.values([n, tDec, h], seed: 2)
    let dout = Self.values([n, tDec, h], seed: 3)
    func run() -> [NDArray] {
      let pass = makeAttentionPass(enc: enc, dec: dec, dtype: .float32)
      let (out, weights) = pass.outputs()
      let (dEnc, dDec) = pass.backward(dout)
      let (wideEnc, wideDec) = pass.backward(dout.astype(.float64))
      return [out, weights, dEnc, dDec, wideEnc, wideDec]
    }
    let parallel = run()
    let four = Kernel.withRowWorkers(4) { run() }
    let serial = Kernel.withRowWorkers(1) { run() }
    #expect(parallel.map(\.dtype) == [.float32, .float32, .float32, .float32, .float64, .float64])
    for (index, (p, s)) in zip(parallel, serial).enumerated() {
      #expect(p == s, "attention result \(index) differs between the default workers and one")
      #expect(four[index] == s, "attention result \(index) differs between four workers and one")
    }
  }

  @Test(
    "TimeLSTM and TimeGRU above the threshold: the default workers give the bytes of one",
    arguments: [RecurrentArchitecture.lstm, .gru])
  func recurrentAboveThreshold(cell: RecurrentArchitecture) throws {
    let (n, t, d, h) = (64, 3, 8, 256)
    let g = cell.gates
    #expect(n * h >= LSTMCell<Float>.parallelElements && n * h >= GRUCell<Float>.parallelElements)
    if Self.cores > 1 {
      #expect(Self.splits(rows: n, work: n * h, threshold: LSTMCell<Float>.parallelElements))
    }
    var arrays = [
      "xs": Self.values([n, t, d], seed: 4), "Wx": Self.values([d, g * h], seed: 5, scale: 0.5),
      "Wh": Self.values([h, g * h], seed: 6, scale: 0.1), "b": Self.values([g * h], seed: 7),
      "h0": Self.values([n, h], seed: 8),
    ]
    if cell == .lstm { arrays["c0"] = Self.values([n, h], seed: 9, scale: 2) }
    let dhs = Self.values([n, t, h], seed: 10)
    let dcLast = Self.values([n, h], seed: 11)
    func run() throws -> [NDArray] {
      let xs = try #require(arrays["xs"])
      let state = arrays.filter { ["h0", "c0"].contains($0.key) }
      let shapes = try RecurrentShapes(
        layer: "split", type: cell.timeTypeName, cell: cell, params: arrays, xs: ArraySignature(xs),
        state: Dictionary(uniqueKeysWithValues: state.map { (String($0.key.prefix(1)), ArraySignature($0.value)) }))
      let run = cell.start(
        shapes: shapes, xs: xs, params: try ["Wx", "Wh", "b"].map { try #require(arrays[$0]) },
        h0: arrays["h0"], c0: arrays["c0"])
      let (hs, hLast, cLast) = run.outputs()
      // The float64 backward of a widened run (the LSTM recomputes tanh(c) per chunk; the
      // float32 one reads the forward's).
      let lstm = cell == .lstm
      let wide = run.widened().backward(
        dhs: dhs.astype(.float64), dcLast: lstm ? dcLast.astype(.float64) : nil)
      let back = run.backward(dhs: dhs, dcLast: lstm ? dcLast : nil)
      return [hs, hLast, back.dxs, back.dh] + back.grads + [wide.dxs, wide.dh] + wide.grads
        + [cLast, back.dc, wide.dc].compactMap { $0 }
    }
    let parallel = try run()
    let four = try Kernel.withRowWorkers(4) { try run() }
    let serial = try Kernel.withRowWorkers(1) { try run() }
    #expect(parallel.count == (cell == .lstm ? 15 : 12))
    #expect(parallel[2].dtype == .float32 && parallel[7].dtype == .float64)
    for (index, (p, s)) in zip(parallel, serial).enumerated() {
      #expect(p == s, "\(cell) result \(index) differs between the default workers and one")
      #expect(four[index] == s, "\(cell) result \(index) differs between four workers and one")
    }
  }
}
