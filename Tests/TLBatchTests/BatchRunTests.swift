import Foundation
import TLFormats
import TLPipeline
import TLTestSupport
import Testing

@testable import TLBatch

/// A fresh copy of testdata/batch (runs write `out/` into each case), removed by the caller.
func batchFixtureCopy() throws -> URL {
  let directory = try Fixtures.temporaryDirectory("batch").appendingPathComponent("batch")
  try FileManager.default.copyItem(at: Fixtures.root.appendingPathComponent("batch"), to: directory)
  return directory
}

/// Runs the fixture batch through the library.
func runFixtureBatch(
  _ root: URL, jobs: Int, shard: Shard? = nil, sharedCache: SharedArrayCache = SharedArrayCache(),
  onFinish: @escaping @Sendable (BatchCaseReport) -> Void = { _ in }
) throws -> BatchReport {
  let spec = try PipelineSpec.load(path: root.appendingPathComponent("pipeline.json").path)
  let all = try BatchCase.discover(in: root.appendingPathComponent("cases").path)
  let cases = shard.map { $0.slice(all) } ?? all
  var report = try BatchRunner.run(
    spec, cases: cases, jobs: jobs, shard: shard, sharedCache: sharedCache, onFinish: onFinish)
  report.runID = try BatchRunIdentity.compute(spec: spec, cases: all, settings: "test")
  return report
}

let goodCases = ["case_1", "case_2", "case_3", "case_4", "case_5"]

@Test(arguments: [1, 3])
func batchReportsTheBrokenCasesAndPassesTheRest(jobs: Int) throws {
  let root = try batchFixtureCopy()
  defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
  let report = try runFixtureBatch(root, jobs: jobs)
  #expect(report.cases.map(\.name) == goodCases + ["case_6_broken_input", "case_7_wrong_reference"])
  #expect(report.cases.map(\.status) == Array(repeating: .pass, count: 5) + [.error, .mismatch])
  #expect(report.summary == BatchSummary(report.cases, wallSeconds: report.summary.wallSeconds))
  #expect(report.summary.exitStatus == 2 && report.summary.errors == 1 && report.summary.mismatched == 1)
  let broken = report.cases[5]
  #expect(broken.run.message?.contains("case_6_broken_input/x.npy") == true, "\(broken.run.message ?? "")")
  #expect(broken.line().contains("error") && broken.line().contains("x.npy"))
  let wrong = report.cases[6]
  #expect(wrong.failingArrays.map(\.name) == ["affine.dW"])
  #expect(
    wrong.failingArrays.first?.mismatched == 1 && wrong.failingArrays.first?.firstMismatches?.first?.index == [1, 2])
  #expect(wrong.failureSummary == "affine.dW: Mismatched elements: 1 / 15 (6.67%), max abs diff 0.5 at [1, 2]")
}

/// Each case wrote its own outputs into its own directory, with NumPy's values and dtypes.
@Test func everyCaseWritesItsOwnOutputs() throws {
  let root = try batchFixtureCopy()
  defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
  _ = try runFixtureBatch(root, jobs: 2)
  for name in goodCases {
    let directory = root.appendingPathComponent("cases/\(name)")
    for array in ["out", "dx", "affine.dW", "affine.db"] {
      let actual = try NPY.read(path: directory.appendingPathComponent("out/\(array).npy").path)
      let expected = try NPY.read(path: directory.appendingPathComponent("expected/\(array).npy").path)
      expectAllClose(actual, expected, rtol: 1e-12, atol: 1e-12)
    }
  }
  let broken = root.appendingPathComponent("cases/case_6_broken_input/out").path
  #expect(!FileManager.default.fileExists(atPath: broken), "a case that errors writes nothing")
}

/// W and b beside the pipeline are read once: spoiling them after the first case changes
/// nothing for the rest of the batch, while a batch with a fresh cache sees the damage.
@Test func sharedWeightsAreReadOncePerBatch() throws {
  let root = try batchFixtureCopy()
  defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
  let weights = root.appendingPathComponent("W.npy")
  let spoiled = try runFixtureBatch(
    root, jobs: 1,
    onFinish: { entry in
      if entry.name == "case_1" { try? Data("not an npy file".utf8).write(to: weights) }
    })
  #expect(spoiled.cases.filter { $0.status == .pass }.map(\.name) == goodCases)
  let fresh = try runFixtureBatch(root, jobs: 1)
  #expect(fresh.cases.allSatisfy { $0.status == .error }, "the check must be able to fail")
  #expect(fresh.cases.first?.run.message?.contains("W.npy") == true)
}

@Test func casesAreTheSortedVisibleSubdirectories() throws {
  let root = try Fixtures.temporaryDirectory("discover")
  defer { try? FileManager.default.removeItem(at: root) }
  for name in ["b", "a", "B", ".hidden", "a10", "a2"] {
    try FileManager.default.createDirectory(at: root.appendingPathComponent(name), withIntermediateDirectories: true)
  }
  try Data().write(to: root.appendingPathComponent("a_file.npy"))
  let cases = try BatchCase.discover(in: root.path)
  #expect(cases.map(\.name) == ["B", "a", "a10", "a2", "b"])
  #expect(cases.allSatisfy { $0.directory == root.appendingPathComponent($0.name).path })
  #expect(throws: BatchError.self) { try BatchCase.discover(in: root.appendingPathComponent("nope").path) }
  #expect(throws: BatchError.self) { try BatchCase.discover(in: root.appendingPathComponent("a_file.npy").path) }
}

/// `outputs` that climbs out of the case directory would make every case write into one place
/// (found by a new user: `"../shared/"` left only the last case's results there, and the next
/// batch took the directory for a case).
@Test func outputsClimbingOutOfTheCaseAreRefusedInABatch() throws {
  let root = try batchFixtureCopy()
  defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
  var spec = try PipelineSpec.load(path: root.appendingPathComponent("pipeline.json").path)
  spec.outputs = "../shared/"
  #expect {
    try BatchRunner.run(spec, cases: try BatchCase.discover(in: root.appendingPathComponent("cases").path), jobs: 1)
  } throws: { error in
    "\(error)".contains("outputs: ../shared/ climbs out of the case directory")
  }
  #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("cases/shared").path))
}

@Test(
  "which relative paths leave their directory by '..'",
  arguments: [
    ("../shared/", true), ("out/../../x", true), ("./../x.npz", true), ("..", true), ("a/../b", false),
    ("out", false), ("./out/", false), ("a/b/../../c.h5", false), ("out..v2/", false),
  ])
func climbingOut(path: String, climbs: Bool) {
  #expect(climbsOut(path) == climbs)
}

@Test func absoluteOutputsAreRefusedInABatch() throws {
  let root = try batchFixtureCopy()
  defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
  var spec = try PipelineSpec.load(path: root.appendingPathComponent("pipeline.json").path)
  spec.outputs = root.appendingPathComponent("all").path
  #expect {
    try BatchRunner.run(spec, cases: try BatchCase.discover(in: root.appendingPathComponent("cases").path), jobs: 1)
  } throws: { error in
    "\(error)".contains("outputs") && "\(error)".contains("absolute")
  }
}
