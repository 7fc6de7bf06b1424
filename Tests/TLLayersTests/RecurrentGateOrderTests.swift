import Foundation
import TLArray
import Testing

@testable import TLLayers

/// The book's block orders, pinned with saturated gates whose results are known in closed form:
/// every other framework packs these differently (docs/layers.md §9.6).
struct RecurrentGateOrderTests {
  /// One step with zero weights, so each gate is σ or tanh of its bias block alone.
  static func step(_ cell: RecurrentArchitecture, bias: [[Double]], h0: Double, c0: Double?) throws
    -> (h: Double, c: Double?)
  {
    let h = bias[0].count
    let gates = bias.count
    let step = RecurrentStep(
      cell, Wx: NDArray(zeros: .float64, shape: [1, gates * h]),
      Wh: NDArray(shape: [h, gates * h], scalars: [Double](repeating: 0.7, count: h * gates * h)),
      b: NDArray(shape: [gates * h], scalars: bias.flatMap { $0 }))
    let (hNext, cNext) = try step.forward(
      x: NDArray(zeros: .float64, shape: [1, 1]), hPrev: NDArray(shape: [1, h], scalars: [h0]),
      cPrev: c0.map { NDArray(shape: [1, h], scalars: [$0]) })
    return (hNext.double(atFlat: 0), cNext?.double(atFlat: 0))
  }

  /// [f | g | i | o]: f = 0 forgets c₀, g = i = 1 write 1, o = 1 shows tanh(1). In PyTorch's
  /// order (i, f, g, o) the same biases would keep c₀ instead.
  @Test func lstmGatesAreForgetCandidateInputOutput() throws {
    let (h, c) = try Self.step(.lstm, bias: [[-100], [100], [100], [100]], h0: 0, c0: 0.25)
    #expect(c == 1)
    #expect(abs(h - Foundation.tanh(1)) < 1e-15)
  }

  /// [z | r | h̃] with h' = (1 − z)·h + z·h̃: z = 1 takes the candidate, and r = 0 multiplies h
  /// before its product, so h̃ = tanh(b_h) even though Wh is not zero.
  @Test func gruUpdateGateWeightsTheCandidate() throws {
    let (h, _) = try Self.step(.gru, bias: [[100], [-100], [0.5]], h0: 0.3, c0: nil)
    #expect(abs(h - Foundation.tanh(0.5)) < 1e-15)
    let (kept, _) = try Self.step(.gru, bias: [[-100], [-100], [0.5]], h0: 0.3, c0: nil)
    #expect(abs(kept - 0.3) < 1e-15)
  }
}
