import Foundation
import TLTestSupport
import Testing

/// `tl-run --isolate` and the diagnosis of version-2 graphs as a user sees them
/// (docs/pipeline.md §7), on the ports of testdata/graph_mistakes.
@Suite struct GraphDiagnosisCLITests {
  @Test func isolateNamesTheConcatenationInTheOtherOrderInText() throws {
    let directory = try scratchCopy("testdata/graph_mistakes/peeky_concat_order")
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    let result = try tlRun(directory.appendingPathComponent("pipeline.json").path, "--isolate")
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(
      lines.contains {
        $0.hasPrefix("  decoder.lstm_in concat") && $0.hasSuffix("forward FAIL  backward unchecked  (decoder.lstm_in)")
      }, "\(result.stdout)")
    #expect(lines.contains { $0.hasPrefix("  decoder.lstm TimeLSTM") && $0.hasSuffix("forward ok  backward ok") })
    #expect(lines.contains("first layer wrong by itself: decoder.lstm_in (forward)"), "\(result.stdout)")
    #expect(
      lines.contains {
        $0.hasPrefix(
          "diagnosis: decoder.lstm_in: concat-order: with the parts in the order [decoder.embed, hs] instead of the graph's [hs, decoder.embed]"
        )
      }, "\(result.stdout)")
  }

  @Test func isolateInJSONGivesTheFirstWrongNodeAndItsKind() throws {
    let directory = try scratchCopy("testdata/graph_mistakes/seq2seq_state_not_reset")
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    let result = try tlRun(directory.appendingPathComponent("pipeline.json").path, "--isolate", "--json")
    #expect(result.status == 1)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let isolation = try #require(object["isolation"] as? [[String: Any]])
    #expect(
      isolation.compactMap { $0["layer"] as? String } == [
        "encoder.embed", "encoder.lstm", "decoder.embed", "decoder.lstm", "decoder.affine", "loss",
      ])
    #expect(isolation.compactMap { $0["forward"] as? String } == ["pass", "pass", "pass", "fail", "pass", "pass"])
    let first = try #require(object["first_wrong"] as? [String: String])
    #expect(first == ["layer": "decoder.lstm", "direction": "forward"])
    let diagnosis = try #require(object["diagnosis"] as? [[String: Any]])
    #expect(diagnosis.count == 1)
    #expect(diagnosis.first?["kind"] as? String == "state-not-reset")
    #expect(diagnosis.first?["layer"] as? String == "decoder.lstm")
  }

  /// `train` and `generate` are refused under --isolate with one line, before anything is
  /// written.
  @Test(arguments: [
    ("seq2seq_sgd_f32", "train", "--isolate takes a version-2 run without \"train\""),
    ("seq2seq_generate_f32", "generate", "--isolate does not apply to \"generate\""),
  ])
  func isolateRefusesTrainingAndGeneration(_ model: String, _ key: String, _ message: String) throws {
    let directory = try scratchCopy("testdata/models/\(model)")
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    let result = try tlRun(directory.appendingPathComponent("pipeline.json").path, "--isolate")
    #expect(result.status == 2)
    #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    #expect(result.stderr.contains("pipeline.json: \(key): \(message)"), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out").path))
  }
}
