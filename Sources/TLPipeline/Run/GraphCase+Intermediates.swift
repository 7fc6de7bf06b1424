import TLArray
import TLGraph

extension GraphCase {
  /// `--intermediates` (pipeline.md §6.2): after the results, every node's value `VALUE` (a
  /// split's parts `NAME.i`), its gradient `VALUE.grad` where one reached it, a layer node's own
  /// backward result `NODE.dx` (absent where the book returns None); before them the gradients
  /// of the inputs that have one (`xs.grad`). All of the last forward and backward (with
  /// `train`, the last step's). A name another result has already is an error naming the node.
  static func withIntermediates(
    _ spec: PipelineSpec, _ results: [(name: String, array: NDArray)], _ executor: GraphExecutor
  ) throws(PipelineError) -> [(name: String, array: NDArray)] {
    var extra: [(name: String, array: NDArray, path: String)] = []
    let produced = Set(executor.nodes.flatMap(\.outputNames))
    for name in executor.values.keys.sorted() where !produced.contains(name) {
      if let gradient = executor.gradients[name] { extra.append(("\(name).grad", gradient, "inputs.\(name)")) }
    }
    for node in executor.nodes {
      for name in node.outputNames {
        if let value = executor.values[name] { extra.append((name, value, node.path)) }
        if let gradient = executor.gradients[name] { extra.append(("\(name).grad", gradient, node.path)) }
      }
      if let dx = executor.layerGradients[node.name] { extra.append(("\(node.name).dx", dx, node.path)) }
    }
    var taken = Set(results.map(\.name))
    for entry in extra where !taken.insert(entry.name).inserted {
      throw PipelineError(
        file: spec.file, path: entry.path,
        "--intermediates would write \"\(entry.name)\" twice (another result has that name); rename the node")
    }
    return results + extra.map { (name: $0.name, array: $0.array) }
  }
}
