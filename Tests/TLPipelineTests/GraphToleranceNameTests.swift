import Foundation
import TLPipeline
import TLTestSupport
import Testing

/// A per-array tolerance naming a version-2 intermediate (`VALUE`, `VALUE.grad`, `NODE.dx`,
/// pipeline.md §6.2) is accepted in a run without `--intermediates`, as version 1 accepts
/// `LAYER.out` and `LAYER.dx`; a name that is no result and no intermediate stays an error.
@Suite struct GraphToleranceNameTests {
  @Test(arguments: ["decoder.lstm.grad", "decoder.lstm", "decoder.affine.dx", "hs", "h.grad", "decoder.lstm_in"])
  func anIntermediatesToleranceIsAcceptedWithoutIntermediates(_ name: String) throws {
    let scratch = try ScratchCase(copying: "graph_peeky_seq2seq")
    defer { scratch.remove() }
    try scratch.editPipeline { $0["tolerance"] = ["arrays": [name: ["atol": 1e-3]]] }
    let result = try scratch.run()
    #expect(result.comparison?.isPass == true)
    #expect(!result.results.contains { $0.name == name }, "not written without --intermediates")
    let withThem = try scratch.run(RunOptions(intermediates: true))
    #expect(withThem.results.contains { $0.name == name })
  }

  @Test func aMisspeltIntermediateIsStillAnError() throws {
    let scratch = try ScratchCase(copying: "graph_peeky_seq2seq")
    defer { scratch.remove() }
    try scratch.editPipeline { $0["tolerance"] = ["arrays": ["decoder.lstm.grads": ["atol": 1e-3]]] }
    for options in [RunOptions(), RunOptions(intermediates: true)] {
      #expect {
        try scratch.run(options)
      } throws: { error in
        "\(error)".contains("tolerance.arrays.decoder.lstm.grads: names no result of this pipeline")
      }
    }
    #expect(!scratch.exists("out"), "nothing is written")
  }
}
