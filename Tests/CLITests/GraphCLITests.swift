import Foundation
import TLTestSupport
import Testing

/// Version 2 from the command line: shape faults before compute, stale outputs after a failed
/// or undecodable pipeline, the count of arrays written.
@Suite("tl-run with version-2 pipelines")
struct GraphCLITests {
  /// A scratch copy of `relative` whose pipeline.json gets `find` replaced by `replace`.
  static func edit(_ file: URL, _ find: String, _ replace: String) throws {
    let text = try String(contentsOf: file, encoding: .utf8)
    #expect(text.contains(find))
    try text.replacingOccurrences(of: find, with: replace).write(to: file, atomically: true, encoding: .utf8)
  }

  static func listing(_ directory: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".npy") }
  }

  /// A set_state h of the wrong shape: exit 2, one line naming the node and both shapes, found
  /// before compute; the outputs of the earlier good run are removed, not left to pass a compare.
  @Test func aShapeFaultExitsTwoBeforeCompute() throws {
    let directory = try scratchCopy("pipelines/graph_seq2seq")
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    let file = directory.appendingPathComponent("pipeline.json")
    let good = try tlRun(file.path)
    #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
    #expect(!Self.listing(directory.appendingPathComponent("out")).isEmpty)

    try Self.edit(file, #""h": "encoder.lstm[:, -1]""#, #""h": "encoder.embed[:, -1]""#)
    let result = try tlRun(file.path)
    #expect(result.status == 2)
    #expect(
      result.stderr
        == "tl-run: \(file.path): graph[3]: TimeLSTM \"decoder.lstm\" expects state h of shape (N,H) = (3,4), got (3,3)\n",
      "\(result.stderr)")
    #expect(Self.listing(directory.appendingPathComponent("out")).isEmpty)
  }

  /// A pipeline that does not decode but whose `outputs` is readable: the earlier run's listed
  /// outputs are removed, as after a failed run. Invalid JSON says nothing of where the outputs
  /// are: they stay.
  @Test func aDecodeErrorRemovesTheOutputsItNames() throws {
    let directory = try scratchCopy("pipelines/graph_seq2seq")
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    let file = directory.appendingPathComponent("pipeline.json")
    let out = directory.appendingPathComponent("out")
    #expect(try tlRun(file.path).status == 0)
    let written = Self.listing(out)
    #expect(written.count == 15, "out, 10 grads, both LSTMs' h and c: \(written)")

    let original = try String(contentsOf: file, encoding: .utf8)
    try Self.edit(file, #""loss": "loss""#, #""loss": "loss", "los": 1"#)
    let unknownKey = try tlRun(file.path)
    #expect(unknownKey.status == 2 && unknownKey.stderr.contains(#"unknown key "los""#), "\(unknownKey.stderr)")
    #expect(Self.listing(out).isEmpty, "\(Self.listing(out))")

    try original.write(to: file, atomically: true, encoding: .utf8)
    #expect(try tlRun(file.path).status == 0)
    try Self.edit(file, #""loss": "loss""#, #""loss": "loss",,"#)
    let invalid = try tlRun(file.path)
    #expect(invalid.status == 2 && invalid.stderr.contains("not valid JSON"), "\(invalid.stderr)")
    #expect(Self.listing(out).sorted() == written.sorted())
  }

  /// One array is "1 array".
  @Test func oneArrayIsSingular() throws {
    let directory = try scratchCopy("testdata/models/seq2seq_generate_f32")
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    let result = try tlRun(directory.appendingPathComponent("pipeline.json").path)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.hasPrefix("Seq2seq: greedy generate, 6 ids, f32: wrote 1 array to "), "\(result.stdout)")
  }
}
