import Foundation
import TLArray
import TLFormats
import TLIO
import TLPipeline
import TLTestSupport

/// A copy of a committed example pipeline in a fresh directory, so a test may change it.
struct ScratchCase {
  let directory: URL
  var pipeline: String { directory.appendingPathComponent("pipeline.json").path }

  init(copying example: String) throws {
    let root = try Fixtures.temporaryDirectory("runner")
    directory = root.appendingPathComponent(example)
    try FileManager.default.copyItem(
      at: Fixtures.repositoryRoot.appendingPathComponent("pipelines/\(example)"), to: directory)
    try? FileManager.default.removeItem(at: directory.appendingPathComponent("out"))
  }

  /// A directory with only `pipeline.json` holding `json`, plus the given arrays as `.npy` files.
  init(json: String, arrays: [String: NDArray]) throws {
    directory = try Fixtures.temporaryDirectory("runner").appendingPathComponent("case")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    try Data(json.utf8).write(to: directory.appendingPathComponent("pipeline.json"))
    for (name, array) in arrays { try NPY.write(array, to: path(name + ".npy")) }
  }

  func path(_ relative: String) -> String { directory.appendingPathComponent(relative).path }

  /// Rewrites pipeline.json with `edit` applied to its JSON object.
  func editPipeline(_ edit: (inout [String: Any]) -> Void) throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: pipeline))
    guard var object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { return }
    edit(&object)
    try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: pipeline))
  }

  func run(_ options: RunOptions = RunOptions()) throws -> CaseResult {
    try PipelineRunner.run(try PipelineSpec.load(path: pipeline), options: options)
  }

  func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: path(relative)) }

  /// Removes the temporary directory this case was made in (the parent of ``directory``).
  func remove() {
    let root = directory.deletingLastPathComponent()
    precondition(root.lastPathComponent.hasPrefix("tl-run-runner-"), "refusing to remove \(root.path)")
    try? FileManager.default.removeItem(at: root)
  }
}
