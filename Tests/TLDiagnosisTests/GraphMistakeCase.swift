import Foundation
import TLPipeline
import TLTestSupport
import Testing

/// One case of testdata/graph_mistakes (written by testdata/gen_graph_mistakes.py): a
/// version-2 port of a book seq2seq model and what it expects: the node and kind the diagnosis
/// names (nil: none), and the node and direction `--isolate` finds wrong by itself (nil: none).
struct GraphMistakeCase: Decodable, Sendable, CustomTestStringConvertible {
  var `case`: String
  var model: String
  var node: String?
  var kind: String?
  var wrong: String?
  var direction: String?
  /// The case also holds pipeline_graph.json, the same model written as a graph.
  var graph_form: Bool

  var testDescription: String { self.case }

  /// Every case of testdata/graph_mistakes/cases.json.
  static let all: [GraphMistakeCase] = {
    let url = Fixtures.root.appendingPathComponent("graph_mistakes/cases.json")
    guard let data = try? Data(contentsOf: url),
      let cases = try? JSONDecoder().decode([GraphMistakeCase].self, from: data)
    else { return [] }
    return cases
  }()

  static func named(_ name: String) throws -> GraphMistakeCase {
    try #require(all.first { $0.case == name })
  }

  /// Runs the case from a scratch copy (tl-run writes its outputs into the case directory),
  /// after `edit` has changed the copy; `graphForm` runs pipeline_graph.json.
  func run(
    isolate: Bool = false, intermediates: Bool = true, graphForm: Bool = false,
    edit: (URL) throws -> Void = { _ in }
  ) throws -> CaseResult {
    let root = try Fixtures.temporaryDirectory("graph-diagnosis")
    defer { try? FileManager.default.removeItem(at: root) }
    let directory = root.appendingPathComponent(self.case)
    try FileManager.default.copyItem(
      at: Fixtures.root.appendingPathComponent("graph_mistakes/\(self.case)"), to: directory)
    try edit(directory)
    let file = graphForm ? "pipeline_graph.json" : "pipeline.json"
    let spec = try PipelineSpec.load(path: directory.appendingPathComponent(file).path)
    return try PipelineRunner.run(spec, options: RunOptions(intermediates: intermediates, isolate: isolate))
  }
}
