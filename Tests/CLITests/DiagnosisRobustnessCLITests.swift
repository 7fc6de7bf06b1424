import Foundation
import TLArray
import TLFormats
import TLTestSupport
import Testing

/// What a user's arrays can make of a run and its diagnosis: exit 2 with one line, or a failing
/// comparison, never a signal (docs/pipeline.md §5, §7). On scratch copies of
/// pipelines/graph_peeky_seq2seq, testdata/graph_mistakes/peeky_concat_order (a port whose
/// value fails, so the diagnosis runs) and testdata/mistakes/isolate_chain, one file changed.
@Suite struct DiagnosisRobustnessCLITests {
  /// Rewrites a scratch case's pipeline.json with `edit` applied to its JSON object.
  static func editPipeline(_ directory: URL, _ edit: (inout [String: Any]) -> Void) throws {
    let url = directory.appendingPathComponent("pipeline.json")
    guard var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
      Issue.record("pipeline.json is not an object")
      return
    }
    edit(&object)
    try JSONSerialization.data(withJSONObject: object).write(to: url)
  }

  /// Split sizes whose sum passes Int.max: one line naming the JSON path, exit 2.
  @Test func splitSizesThatOverflowAreAUserError() throws {
    let directory = try scratchCopy("pipelines/graph_peeky_seq2seq")
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    try Self.editPipeline(directory) { object in
      guard var graph = object["graph"] as? [[String: Any]] else { return }
      graph.insert(["name": "sp", "op": "split", "in": "encoder.lstm", "sizes": [Int.max, Int.max]], at: 2)
      object["graph"] = graph
    }
    let result = try tlRun(directory.appendingPathComponent("pipeline.json").path)
    #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    #expect(
      result.stderr.contains("pipeline.json: graph[2].sizes: split sizes add up to more than Int.max"),
      "\(result.stderr)")
  }

  /// A reference array the diagnosis computes with, of another shape or dtype than tl-run's
  /// value: the comparison fails it, the nodes reading it go unchecked, the run exits 1.
  @Test(arguments: [
    ("decoder.embed", NDArray(zeros: .float32, shape: [5])),
    ("hs", NDArray(zeros: .float32, shape: [3, 9, 4])),
    ("hs.grad", NDArray(zeros: .float32, shape: [5])),
    ("h", NDArray(zeros: .int64, shape: [3, 4])),
    ("decoder.lstm_in.grad", NDArray(zeros: .float32, shape: [3, 4, 2])),
    ("decoder.lstm.dx", NDArray(zeros: .float32, shape: [1, 1, 1])),
  ])
  func aPortArrayOfAnotherShapeOrDTypeIsNeverComputedWith(_ name: String, _ array: NDArray) throws {
    let directory = try scratchCopy("testdata/graph_mistakes/peeky_concat_order")
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    try NPY.write(array, to: directory.appendingPathComponent("expected/\(name).npy").path)
    for isolate in [false, true] {
      let arguments = [directory.appendingPathComponent("pipeline.json").path] + (isolate ? ["--isolate"] : [])
      let result = try runTLRun(arguments, in: Fixtures.repositoryRoot, environment: nil)
      #expect(result.status == 1, "\(name) isolate \(isolate): \(result.stdout)\(result.stderr)")
      #expect(result.stderr.isEmpty, "\(name) isolate \(isolate): \(result.stderr)")
      #expect(
        result.stdout.split(separator: "\n").contains { $0.hasPrefix(name + " ") && $0.contains("MISMATCH") },
        "\(name) isolate \(isolate): \(result.stdout)")
    }
  }

  /// An infinity and a NaN in the port's `loss.dx` fail as the comparison fails them (NumPy's
  /// isclose): the first failing step is the infinity's, 0 (it was 1 while the diagnosis let
  /// `inf <= inf` pass).
  @Test func anInfinityFailsTheLocationAsItFailsTheComparison() throws {
    let directory = try scratchCopy("testdata/mistakes/isolate_chain")
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    let path = directory.appendingPathComponent("expected/loss.dx.npy").path
    let dx = try NPY.read(path: path)
    #expect(dx.shape == [2, 5, 6] && dx.dtype == .float64)
    var values = dx.scalars(as: Double.self)
    values[0] = .infinity  // [0, 0, 0]
    values[(1 * 5 + 1) * 6 + 1] = .nan  // [1, 1, 1]
    try NPY.write(NDArray(shape: dx.shape, scalars: values), to: path)
    let result = try tlRun(directory.appendingPathComponent("pipeline.json").path)
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(
      lines.contains { $0.hasPrefix("loss.dx ") && $0.contains("Mismatched elements: 2 / 60") }, "\(result.stdout)")
    #expect(
      lines.contains { $0.hasPrefix("where: ") && $0.contains("loss.dx") && $0.hasSuffix("first failing time step 0") },
      "\(result.stdout)")
    #expect(!lines.contains { $0.contains("first failing time step 1") }, "\(result.stdout)")
  }
}
