import Foundation
import TLTestSupport
import Testing

/// What a run says about a reference it could otherwise misread (docs/pipeline.md §4): the
/// port's intermediates compared without `--intermediates`, array files of a reference
/// directory that are not read.
@Suite struct ReferenceNotesCLITests {
  @Test func aReferenceWithIntermediatesIsComparedWithoutTheFlag() throws {
    // record_intermediates' reference (lstm.out, lstm.dx) of a right port: a plain run passes.
    let directory = try scratchCopy("testdata/mistakes/correct")
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    let result = try tlRun(directory.appendingPathComponent("pipeline.json").path)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(!result.stdout.contains("MISSING"), "\(result.stdout)")
    #expect(result.stdout.contains("10 arrays compared: 10 passed, 0 failed, 0 unchecked"), "\(result.stdout)")
    #expect(
      result.stdout.contains("note: the reference holds intermediates (lstm.dx, lstm.out): computed them"),
      "\(result.stdout)")
    let written = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("out").path)
    #expect(written.contains("lstm.out.npy") && written.contains("lstm.dx.npy"), "\(written)")
  }

  @Test func aVersion2ReferenceWithIntermediatesIsComparedWithoutTheFlag() throws {
    let directory = try scratchCopy("testdata/graph_mistakes/correct_seq2seq")
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    let result = try tlRun(directory.appendingPathComponent("pipeline.json").path)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("note: the reference holds intermediates ("), "\(result.stdout)")
    #expect(!result.stdout.contains("MISSING") && !result.stdout.contains("where:"), "\(result.stdout)")
  }

  @Test func aWrongPortsWhereLinesNameOnlyComputedArrays() throws {
    let directory = try scratchCopy("testdata/mistakes/isolate_chain")
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    let result = try tlRun(directory.appendingPathComponent("pipeline.json").path)
    #expect(result.status == 1)
    let compared = Set(
      result.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) })
    let located = result.stdout.split(separator: "\n").filter { $0.hasPrefix("where: ") }.flatMap { line in
      line.dropFirst("where: ".count).split(separator: ":")[0].split(separator: ", ").map(String.init)
    }
    #expect(!located.isEmpty && located.allSatisfy(compared.contains), "\(result.stdout)")
    #expect(result.stdout.contains("diagnosis: affine: scaled: the port's affine.dx is 2 × tl-run's"))
  }

  @Test func anNPZInAReferenceDirectoryIsNamedInANote() throws {
    let directory = try scratchCopy("testdata/mistakes/correct")
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    let expected = directory.appendingPathComponent("expected")
    for name in ["lstm.dWx", "lstm.dWh", "lstm.db"] {
      try FileManager.default.removeItem(at: expected.appendingPathComponent("\(name).npy"))
    }
    try FileManager.default.copyItem(
      at: Fixtures.repositoryRoot.appendingPathComponent("testdata/graph_mistakes/correct_seq2seq/params.npz"),
      to: expected.appendingPathComponent("grads.npz"))
    let result = try tlRun(directory.appendingPathComponent("pipeline.json").path)
    // The arrays it lacks are listed as unchecked (docs/pipeline.md §4), and the file is named.
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("3 unchecked"), "\(result.stdout)")
    #expect(
      result.stdout.contains("note: the reference directory \"expected\" holds grads.npz, which is not read"),
      "\(result.stdout)")
    // A subdirectory is named too (its arrays are as unread as the archive's).
    try FileManager.default.createDirectory(
      at: expected.appendingPathComponent("lstm"), withIntermediateDirectories: false)
    let again = try tlRun(directory.appendingPathComponent("pipeline.json").path)
    #expect(
      again.stdout.contains(
        "note: the reference directory \"expected\" holds the directory lstm/, whose files are not read"),
      "\(again.stdout)")
    try FileManager.default.removeItem(at: expected.appendingPathComponent("lstm"))
    let json = try tlRun(directory.appendingPathComponent("pipeline.json").path, "--json")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    let notes = try #require(object["notes"] as? [String])
    #expect(notes.filter { $0.contains("grads.npz") }.count == 1, "\(notes)")
  }
}
