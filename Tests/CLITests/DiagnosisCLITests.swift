import Foundation
import TLArray
import TLFormats
import TLTestSupport
import Testing

/// `tl-run --isolate` and the diagnosis as a user sees them (docs/pipeline.md §7), on the
/// ports of testdata/mistakes.
@Suite struct DiagnosisCLITests {
  @Test func isolateNamesTheFirstLayerWrongByItselfInText() throws {
    let directory = try scratchCopy("testdata/mistakes/isolate_chain")
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    let result = try tlRun(directory.appendingPathComponent("pipeline.json").path, "--isolate")
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(
      lines.contains { $0.hasPrefix("  affine TimeAffine") && $0.contains("forward ok  backward FAIL  (affine.dx)") })
    #expect(lines.contains { $0.hasPrefix("  lstm TimeLSTM") && $0.contains("forward ok  backward ok") })
    #expect(lines.contains("first layer wrong by itself: affine (backward)"), "\(result.stdout)")
  }

  @Test func isolateInJSONListsEveryLayersVerdict() throws {
    let directory = try scratchCopy("testdata/mistakes/isolate_chain")
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    let result = try tlRun(directory.appendingPathComponent("pipeline.json").path, "--isolate", "--json")
    #expect(result.status == 1)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let isolation = try #require(object["isolation"] as? [[String: Any]])
    #expect(isolation.compactMap { $0["layer"] as? String } == ["embed", "lstm", "affine", "loss"])
    #expect(isolation.compactMap { $0["backward"] as? String } == ["pass", "pass", "fail", "pass"])
    let first = try #require(object["first_wrong"] as? [String: String])
    #expect(first == ["layer": "affine", "direction": "backward"])
  }

  @Test func isolateWithoutTheIntermediatesIsAnErrorNamingTheMissingOne() throws {
    let directory = try scratchCopy("testdata/mistakes/isolate_chain")
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    try FileManager.default.removeItem(at: directory.appendingPathComponent("expected/affine.dx.npy"))
    let result = try tlRun(directory.appendingPathComponent("pipeline.json").path, "--isolate")
    #expect(result.status == 2)
    let lines = result.stderr.split(separator: "\n")
    #expect(
      lines.count == 1 && lines[0].contains("\"affine.dx\"") && lines[0].contains("pipeline.json"), "\(result.stderr)")
  }

  @Test func isolateWithoutAReferenceIsAnError() throws {
    let directory = try scratchCopy("pipelines/seed_time_affine")
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    let pipeline = directory.appendingPathComponent("pipeline.json")
    var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: pipeline)) as? [String: Any])
    object["reference"] = nil
    try JSONSerialization.data(withJSONObject: object).write(to: pipeline)
    let result = try tlRun(pipeline.path, "--isolate")
    #expect(result.status == 2 && result.stderr.contains("--isolate needs a \"reference\""), "\(result.stderr)")
  }

  @Test func theDiagnosisIsPrintedInTextAndJSON() throws {
    let directory = try scratchCopy("testdata/mistakes/gate_order_lstm")
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    let pipeline = directory.appendingPathComponent("pipeline.json").path
    let text = try tlRun(pipeline, "--intermediates")
    #expect(text.status == 1)
    #expect(text.stdout.contains("where: lstm.dWx, lstm.dWh, lstm.db: failing gates f, g, i, o"), "\(text.stdout)")
    #expect(
      text.stdout.contains(
        "diagnosis: lstm: gate-order: with gates in order [i, f, g, o] instead of the book's [f, g, i, o]"),
      "\(text.stdout)")
    let json = try tlRun(pipeline, "--intermediates", "--json")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    let diagnosis = try #require(object["diagnosis"] as? [[String: Any]])
    #expect(diagnosis.count == 1)
    #expect(diagnosis.first?["kind"] as? String == "gate-order" && diagnosis.first?["layer"] as? String == "lstm")
    #expect(diagnosis.first?["gates"] as? [String] == ["f", "g", "i", "o"] && diagnosis.first?["step"] as? Int == 0)
  }

  @Test func aPassingRunHasNoDiagnosisKeys() throws {
    let directory = try scratchCopy("testdata/mistakes/correct")
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    let json = try tlRun(directory.appendingPathComponent("pipeline.json").path, "--intermediates", "--json")
    #expect(json.status == 0)
    #expect(!json.stdout.contains("\"diagnosis\"") && !json.stdout.contains("\"isolation\""))
  }

  /// A correct port with one element of one gradient off: the comparison fails, the location is
  /// given, and no mistake is named (none explains it).
  @Test func oneElementOffGetsALocationButNoDiagnosis() throws {
    let directory = try scratchCopy("testdata/mistakes/correct")
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    let file = directory.appendingPathComponent("expected/lstm.dWx.npy").path
    var values = try NPY.read(path: file).scalars(as: Double.self)
    values[5] += 0.25
    try NPY.write(NDArray(shape: [3, 16], scalars: values), to: file)
    let result = try tlRun(directory.appendingPathComponent("pipeline.json").path, "--intermediates")
    #expect(result.status == 1)
    #expect(result.stdout.contains("where: lstm.dWx: failing gates g"), "\(result.stdout)")
    #expect(!result.stdout.contains("diagnosis:"), "\(result.stdout)")
  }

  @Test func isolateOnAVersion2GraphWithoutItsIntermediatesNamesTheMissingOne() throws {
    let directory = try scratchCopy("pipelines/graph_rnnlm")
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    let result = try tlRun(directory.appendingPathComponent("pipeline.json").path, "--isolate")
    #expect(result.status == 2)
    #expect(
      result.stderr.split(separator: "\n").count == 1
        && result.stderr.contains("holds no \"embed.grad\", the upstream gradient of node \"embed\""),
      "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out").path))
  }
}
