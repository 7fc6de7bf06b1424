import TLArray
import TLGraph

/// Shapes and dtypes of a version-2 case before compute (pipeline.md §6.1 "Errors before
/// compute"), after its arrays are loaded: ``GraphInference`` over the nodes.
extension GraphCase {
  /// Infers every node's signature on every batch (pipeline.md §6.1 "Errors before compute"):
  /// the first mismatch throws at its node's JSON path; a later training step's says which.
  static func check(_ spec: PipelineSpec, _ nodes: [GraphNode], _ batches: [[String: NDArray]]) throws(PipelineError) {
    var inference = GraphInference()
    for (step, batch) in batches.enumerated() {
      do { try inference.infer(nodes, inputs: batch) } catch {
        let when = batches.count > 1 ? " (train step \(step))" : ""
        throw PipelineError(file: spec.file, path: error.path, error.message + when)
      }
    }
  }

  /// Greedy generation's shapes before compute: the model's graph inferred on xs (1, T_enc) and
  /// a stand-in ts (1, 2) of zeros, so the decoder sees one id per step, as generate feeds it.
  /// An xs of another shape is left to ``BookModel/generate(params:xs:startID:sampleSize:)``'s
  /// own check, which also runs before computing.
  static func checkGenerate(_ spec: PipelineSpec, _ model: BookModel, _ params: [String: NDArray], xs: NDArray)
    throws(PipelineError)
  {
    guard xs.rank == 2, xs.shape[0] == 1 else { return }
    do {
      var inference = GraphInference()
      let ts = NDArray(zeros: .int64, shape: [1, 2])
      try inference.infer(try model.graph(params: params), inputs: ["xs": xs, "ts": ts])
    } catch {
      throw PipelineError(file: spec.file, path: error.path, error.message)
    }
  }
}
