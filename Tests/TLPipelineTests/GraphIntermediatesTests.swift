import Foundation
import TLArray
import TLIO
import TLPipeline
import TLTestSupport
import Testing

/// `--intermediates` with version 2 (pipeline.md §6.2): every value `VALUE`, its gradient
/// `VALUE.grad` and each layer node's `NODE.dx`, against what the book's classes computed
/// (testdata/graph_intermediates, written by gen_graph_intermediates.py from the inputs and
/// params of testdata/models/<case>): names, dtypes, shapes and values.
@Suite("Version-2 --intermediates")
struct GraphIntermediatesTests {
  static let cases = ["seq2seq_f32", "peeky_seq2seq_f32", "peeky_seq2seq_f64", "seq2seq_sgd_f32"]

  /// The arrays a run wrote beyond a plain run's, by name.
  static func extras(_ scratch: ScratchCase) throws -> [String: NDArray] {
    let plain = Set(try scratch.run().results.map(\.name))
    let full = try scratch.run(RunOptions(intermediates: true)).results
    #expect(Array(full.prefix(plain.count)).map(\.name).allSatisfy(plain.contains), "the plain results come first")
    return Dictionary(uniqueKeysWithValues: full.filter { !plain.contains($0.name) }.map { ($0.name, $0.array) })
  }

  static func expectMatches(_ extras: [String: NDArray], reference name: String, float64: Bool) throws {
    let reference = try ArrayIO.readAll(ArrayLocation(parsing: Fixtures.path("graph_intermediates/\(name)")))
    #expect(extras.keys.sorted() == reference.map(\.name).sorted())
    for (array, expected) in reference.map({ (extras[$0.name], $0) }) {
      guard let array else { continue }
      expectAllClose(
        array, expected.array, rtol: float64 ? 1e-9 : 1e-5, atol: float64 ? 1e-10 : 1e-6, "\(name): \(expected.name)")
    }
  }

  @Test("the model form writes the book's values and gradients", arguments: cases)
  func modelForm(_ name: String) throws {
    let scratch = try ScratchCase(copyingModel: name)
    defer { scratch.remove() }
    try Self.expectMatches(try Self.extras(scratch), reference: name, float64: name.hasSuffix("f64"))
  }

  /// pipelines/graph_peeky_seq2seq is the same case written out as a graph (its data is
  /// peeky_seq2seq_f32's): the same intermediates.
  @Test func theExplicitGraphWritesTheSame() throws {
    let scratch = try ScratchCase(copying: "graph_peeky_seq2seq")
    defer { scratch.remove() }
    try Self.expectMatches(try Self.extras(scratch), reference: "peeky_seq2seq_f32", float64: false)
  }

  /// A value whose name another result has already (`decoder.lstm.h`, the layer's state) would
  /// be written twice: an error naming the node, before anything is written.
  @Test func aNameClashIsAnError() throws {
    let scratch = try ScratchCase(copying: "graph_peeky_seq2seq")
    defer { scratch.remove() }
    try scratch.editPipeline { object in
      guard var graph = object["graph"] as? [[String: Any]] else { return }
      graph.insert(["name": "decoder.lstm.h", "op": "slice", "in": "decoder.lstm[:, -1]"], at: 7)
      object["graph"] = graph
    }
    #expect(try scratch.run().comparison?.isPass == true, "without --intermediates it runs")
    try? FileManager.default.removeItem(atPath: scratch.path("out"))
    do {
      _ = try scratch.run(RunOptions(intermediates: true))
      Issue.record("ran")
    } catch {
      #expect(
        "\(error)"
          == "\(scratch.pipeline): graph[7]: --intermediates would write \"decoder.lstm.h\" twice (another result has that name); rename the node"
      )
    }
    #expect(!scratch.exists("out"))
  }

  /// An input that gets a gradient (float xs) is written as `xs.grad`; a value used twice gets
  /// the sum of both uses; `NODE.dx` is the layer's own result. Checked for consistency: xs.grad
  /// is the affine's dx, a.grad is both.grad + both.grad, both.grad is what the loss returned.
  @Test func inputGradientsAndFanOut() throws {
    let xs = NDArray(shape: [2, 3, 4], scalars: (0..<24).map { Float($0 % 7) / 7 - 0.4 })
    let w = NDArray(shape: [4, 5], scalars: (0..<20).map { Float($0 % 5) / 5 - 0.3 })
    let b = NDArray(shape: [5], scalars: [Float](repeating: 0.1, count: 5))
    let ts = NDArray(shape: [2, 3], scalars: [Int64]([0, 1, 2, 3, 4, 0]))
    let scratch = try ScratchCase(
      json: #"""
        {"version": 2, "inputs": {"xs": "xs.npy", "ts": "ts.npy"}, "params": {"a.W": "W.npy", "a.b": "b.npy"},
         "graph": [{"name": "a", "type": "TimeAffine", "in": "xs"}, {"name": "both", "op": "sum", "in": ["a", "a"]},
                   {"name": "loss", "type": "TimeSoftmaxWithLoss", "in": "both", "ts": "ts"}],
         "loss": "loss"}
        """#, arrays: ["xs": xs, "ts": ts, "W": w, "b": b])
    defer { scratch.remove() }
    let extras = try Self.extras(scratch)
    #expect(
      extras.keys.sorted() == ["a", "a.dx", "a.grad", "both", "both.grad", "loss", "loss.dx", "loss.grad", "xs.grad"])
    #expect(extras["xs.grad"] == extras["a.dx"] && extras["xs.grad"]?.dtype == .float32)
    #expect(extras["both.grad"] == extras["loss.dx"])
    let both = try #require(extras["both.grad"]).scalars(as: Float.self)
    #expect(extras["a.grad"]?.scalars(as: Float.self) == both.map { $0 + $0 })
    #expect(extras["loss.grad"] == NDArray(scalar: 1.0))
  }
}
