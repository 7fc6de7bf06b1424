import TLArray
import TLTestSupport
import Testing

@testable import TLLayers

/// The single-step RNN, LSTM and GRU against the book's classes: results in the computation
/// dtype (not forced to float32), grads in the params' dtypes.
struct RecurrentStepTests {
  static let cases: [(RecurrentArchitecture, String)] = [(.rnn, "rnn"), (.lstm, "lstm"), (.gru, "gru")].flatMap { cell, prefix in
    ["f32", "f64", "mixed_w64_x32"].map { (cell, "\(prefix)_step_\($0)") }
  }

  @Test(arguments: cases)
  func matchesNumPy(cell: RecurrentArchitecture, caseName: String) throws {
    let load = { try RecurrentFixture.load(caseName, $0) }
    let step = RecurrentStep(cell, Wx: try load("Wx"), Wh: try load("Wh"), b: try load("b"))
    let cPrev = cell == .lstm ? try load("c_prev") : nil
    let (h, c) = try step.forward(x: try load("x"), hPrev: try load("h_prev"), cPrev: cPrev)
    try RecurrentFixture.expectMatches(h, caseName, "out")
    if cell == .lstm { try RecurrentFixture.expectMatches(c, caseName, "c_next") } else { #expect(c == nil) }

    let dcNext = cell == .lstm ? try load("dc_next") : nil
    let (dx, dhPrev, dcPrev) = try step.backward(dhNext: try load("dout"), dcNext: dcNext)
    try RecurrentFixture.expectMatches(dx, caseName, "dx")
    try RecurrentFixture.expectMatches(dhPrev, caseName, "dh_prev")
    if cell == .lstm { try RecurrentFixture.expectMatches(dcPrev, caseName, "dc_prev") }
    for (name, grad) in zip(step.paramNames, step.grads) {
      try RecurrentFixture.expectMatches(grad, caseName, "d" + name)
    }
  }
}
