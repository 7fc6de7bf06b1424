import Foundation
import TLTestSupport
import Testing

/// Messages that point at the right thing and suggest a way forward, and JSON where a script
/// reads: what a newcomer trips over first.
@Suite struct NewcomerCLITests {
  /// A pipeline with one misspelt thing in `edit`, run from a scratch copy of `lstm_h5`.
  private func runEdited(_ edit: (inout String) -> Void, _ extra: String...) throws -> ProcessResult {
    let directory = try scratchCopy("pipelines/lstm_h5")
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    let file = directory.appendingPathComponent("pipeline.json")
    var text = try String(contentsOf: file, encoding: .utf8)
    edit(&text)
    try text.write(to: file, atomically: true, encoding: .utf8)
    return try tlRunArray([file.path] + extra)
  }

  @Test(arguments: [
    ("\"TimeLSTM\"", "\"TimeLstm\"", #"unknown layer type "TimeLstm" (did you mean "TimeLSTM"?)"#),
    ("\"TimeLSTM\"", "\"TimeLSMT\"", #"unknown layer type "TimeLSMT" (did you mean "TimeLSTM"?)"#),
    ("\"dout\"", "\"dot\"", #"unknown key "dot" (did you mean "dout"?)"#),
    ("\"Wh\":", "\"WH\":", #"TimeLSTM has no params entry "WH" (did you mean "Wh"?)"#),
  ])
  func misspeltNamesGetASuggestion(_ original: String, _ misspelt: String, _ words: String) throws {
    let result = try runEdited { $0 = $0.replacingOccurrences(of: original, with: misspelt) }
    #expect(result.status == 2)
    #expect(result.stderr.contains(words), "\(result.stderr)")
    #expect(result.stderr.split(separator: "\n").count == 1)
  }

  /// A mistyped `--case` is exit 2 and one line, not a directory created for the outputs with
  /// the inputs found beside the pipeline instead; a file given as `--case` likewise.
  @Test(arguments: [
    ("missing", "no such case directory (--case)"),
    ("x.npy", "the case directory (--case) is a regular file, not a directory"),
  ])
  func aCaseThatIsNoDirectoryIsRefused(_ name: String, _ says: String) throws {
    let directory = try scratchCopy("pipelines/seed_time_affine")
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    let target = directory.appendingPathComponent(name)
    let before = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    let result = try tlRunArray([directory.appendingPathComponent("pipeline.json").path, "--case", target.path])
    #expect(result.status == 2)
    #expect(result.stderr == "tl-run: \(target.path): \(says)\n", "\(result.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == before)
  }

  /// h5py reads `f["lstm/Wx"]` from the root: so does `weights.h5:lstm/Wx`.
  @Test func anHDF5PathWithoutItsLeadingSlashIsReadFromTheRoot() throws {
    let result = try runEdited { $0 = $0.replacingOccurrences(of: "weights.h5:/lstm/", with: "weights.h5:lstm/") }
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
  }

  /// A reference array whose name is a slip of an output's is missing, with the output named.
  @Test func aMisspeltReferenceNameSuggestsTheOutput() throws {
    let directory = try scratchCopy("testdata/layers/affine_f32")
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    let reference = directory.appendingPathComponent("ref")
    try FileManager.default.createDirectory(at: reference, withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      at: directory.appendingPathComponent("dW.npy"), to: reference.appendingPathComponent("dw.npy"))
    let result = try tlRun("compare", directory.path, reference.path)
    #expect(result.status == 1)
    #expect(
      result.stdout.contains(
        #"dw    float32 (3, 5)  MISSING  in the reference, not in the output; did you mean "dW"?"#),
      "\(result.stdout)")
  }

  /// With --json a pipeline error is also a JSON object on stdout; the exit status stays 2.
  @Test func aPipelineErrorWithJSONIsJSON() throws {
    let result = try runEdited({ $0 = $0.replacingOccurrences(of: "\"TimeLSTM\"", with: "\"TimeLstm\"") }, "--json")
    #expect(result.status == 2)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(object["status"] as? String == "error")
    #expect((object["message"] as? String)?.contains("did you mean \"TimeLSTM\"") == true)
  }

  @Test func inspectSpeaksJSON() throws {
    let result = try tlRun("inspect", "testdata/read/damaged-header.npz", "--json")
    #expect(result.status == 2)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(object["source"] as? String == "testdata/read/damaged-header.npz")
    #expect(object["exit_status"] as? Int == 2 && object["unreadable"] as? Int == 1)
    let arrays = try #require(object["arrays"] as? [[String: Any]])
    #expect(arrays.map { $0["name"] as? String } == ["W", "b", "idx"])
    #expect(arrays[0]["dtype"] as? String == "float32" && arrays[0]["shape"] as? [Int] == [2, 3])
    #expect((arrays[1]["unreadable"] as? String)?.hasPrefix("local file header is damaged") == true)
    let good = try tlRun("inspect", "testdata/layers/affine_f32/out.npy", "--json")
    #expect(good.status == 0, "\(good.stderr)")
  }

  /// `tl-run --help` shows how to run a pipeline and its main options, as `git`'s does; a bare
  /// `tl-run` says what is missing with the same usage.
  @Test func topLevelHelpShowsTheMainCommand() throws {
    let help = try tlRun("--help")
    #expect(help.status == 0)
    for words in [
      "USAGE: tl-run <pipeline.json>", "--batch <dir>", "--jobs", "--report", "--case", "--junit", "--shard",
    ] {
      #expect(help.stdout.contains(words), "missing \(words)")
    }
    // Every option of `tl-run help run` is named on the overview too (a new user missed --isolate).
    let run = try tlRun("help", "run")
    let options = run.stdout.split(separator: "\n").compactMap { line -> Substring? in
      let word = line.drop { $0 == " " }.prefix { $0 != " " && $0 != "," && $0 != "<" && $0 != "/" }
      return word.hasPrefix("--") && word != "--version" && word != "--help" ? word : nil
    }
    #expect(options.contains("--isolate") && options.contains("--timings"), "\(run.stdout)")
    for option in options {
      // A flag pair (--equal-nan/--no-equal-nan) is named by either form.
      let named = help.stdout.contains(option) || help.stdout.contains("--no-" + option.dropFirst(2))
      #expect(named, "the overview does not name \(option)")
    }
    let bare = try tlRunArray([])
    #expect(bare.status == 2)
    #expect(
      bare.stderr.contains("Missing expected argument '<pipeline>'") && bare.stderr.contains("tl-run <pipeline.json>"))
  }

  @Test func aDirectoryGivenAsThePipelineNamesItsPipelineFile() throws {
    let result = try tlRun("pipelines/lstm_h5")
    #expect(result.status == 2)
    #expect(
      result.stderr == "tl-run: pipelines/lstm_h5: is a directory; did you mean pipelines/lstm_h5/pipeline.json?\n")
  }

  /// The README's command table names exactly the subcommands the binary has.
  @Test func readmeCommandTableMatchesTheSubcommands() throws {
    let readme = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
    let documented = Set(
      readme.split(separator: "\n").compactMap { line -> String? in
        guard line.hasPrefix("| `tl-run ") else { return nil }
        let word = line.dropFirst("| `tl-run ".count).prefix { $0 != " " && $0 != "`" }
        return word.hasSuffix(".json") || word.hasPrefix("PIPELINE") ? nil : String(word)
      })
    let help = try tlRun("--help").stdout
    let section = help.components(separatedBy: "SUBCOMMANDS:").last ?? ""
    let existing = Set(
      section.split(separator: "\n").compactMap { line -> String? in
        guard line.hasPrefix("  "), let word = line.split(separator: " ").first, !line.hasPrefix("   ") else {
          return nil
        }
        return word == "run" || word == "See" ? nil : String(word)
      })
    #expect(
      !documented.isEmpty && documented == existing, "README: \(documented.sorted()), binary: \(existing.sorted())")
  }
}

/// With --json, compare's and inspect's errors are JSON on stdout too (exit status 2 kept).
@Test(arguments: [
  ["compare", "testdata/read/damaged-header.npz", "testdata/read/base.npz", "--json"],
  ["inspect", "no-such-file.npy", "--json"],
])
func errorsWithJSONAreJSON(_ arguments: [String]) throws {
  let result = try tlRunArray(arguments)
  #expect(result.status == 2)
  let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
  #expect(object["status"] as? String == "error" && object["exit_status"] as? Int == 2)
  #expect((object["message"] as? String).map { result.stderr.contains($0) } == true)
}

/// Converting a source that holds no arrays is refused: with --replace it would empty the target.
@Test func convertingNothingIsAnErrorAndKeepsTheTarget() throws {
  let directory = try scratchCopy("testdata/layers/affine_f32")
  defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
  let empty = directory.appendingPathComponent("empty")
  try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
  let target = directory.deletingLastPathComponent().appendingPathComponent("t.npz").path
  #expect(try tlRun("convert", directory.path, target).status == 0)
  let before = try Data(contentsOf: URL(fileURLWithPath: target))
  let result = try tlRun("convert", empty.path, target, "--replace")
  #expect(result.status == 2 && result.stderr.contains("holds no arrays; nothing to convert"), "\(result.stderr)")
  #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == before)
}

/// Argument errors print ArgumentParser's lines as lines (each escaped), not one line of `\x0a`.
@Test func argumentErrorsKeepTheirLines() throws {
  let result = try tlRunArray(["inspect"])
  #expect(result.status == 2)
  #expect(!result.stderr.contains("\\x0a"), "\(result.stderr)")
  #expect(result.stderr.split(separator: "\n").count > 1)
}

/// A misspelt subcommand is named as one, not taken for a pipeline path.
@Test(arguments: [["inspcet", "x.npy"], ["comapre", "a", "b"], ["inspcet"]])
func misspeltSubcommandsGetASuggestion(_ arguments: [String]) throws {
  let result = try tlRunArray(arguments)
  #expect(result.status == 2)
  let near = arguments[0] == "comapre" ? "compare" : "inspect"
  #expect(
    result.stderr == "tl-run: unknown command '\(arguments[0])' (did you mean '\(near)'?); see 'tl-run --help'\n",
    "\(result.stderr)")
}

/// A FIFO given as the pipeline is refused by kind at once (reading it would block).
@Test func aFIFOPipelineIsRefused() throws {
  let directory = try Fixtures.temporaryDirectory("cli")
  defer { try? FileManager.default.removeItem(at: directory) }
  let fifo = directory.appendingPathComponent("p.json")
  try #require(mkfifo(fifo.path, 0o600) == 0)
  let result = try runTLRun([fifo.path], in: directory, environment: nil, seconds: 20)
  #expect(!result.timedOut && result.status == 2)
  #expect(result.stderr.hasSuffix("p.json: is a FIFO (named pipe); a pipeline is a JSON file\n"), "\(result.stderr)")
}
