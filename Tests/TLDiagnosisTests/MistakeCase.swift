import Foundation
import TLPipeline
import TLTestSupport
import Testing

/// One case of testdata/mistakes (written by testdata/gen_mistakes.py) and what it expects:
/// the layer and kind to be named (nil: no diagnosis), and where given the step and gates.
struct MistakeCase: Decodable, Sendable, CustomTestStringConvertible {
  var `case`: String
  var layer: String?
  var kind: String?
  var step: Int?
  var gates: [String]?
  /// `pass` or `fail`: what the comparison must give, where a case says.
  var comparison: String?

  var testDescription: String { self.case }

  /// Every case of testdata/mistakes/cases.json.
  static let all: [MistakeCase] = {
    let url = Fixtures.root.appendingPathComponent("mistakes/cases.json")
    guard let data = try? Data(contentsOf: url), let cases = try? JSONDecoder().decode([MistakeCase].self, from: data)
    else { return [] }
    return cases
  }()

  /// Runs the case from a scratch copy (tl-run writes its outputs into the case directory).
  func run(isolate: Bool = false) throws -> CaseResult {
    let root = try Fixtures.temporaryDirectory("diagnosis")
    defer { try? FileManager.default.removeItem(at: root) }
    let directory = root.appendingPathComponent(self.case)
    try FileManager.default.copyItem(at: Fixtures.root.appendingPathComponent("mistakes/\(self.case)"), to: directory)
    let spec = try PipelineSpec.load(path: directory.appendingPathComponent("pipeline.json").path)
    return try PipelineRunner.run(spec, options: RunOptions(intermediates: true, isolate: isolate))
  }
}
