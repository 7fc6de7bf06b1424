import TLArray
import TLLayers

/// Runs a loaded case forward through the chain and backward from `dout`, and names every
/// result as docs/pipeline.md §3 does.
public enum ChainExecutor {
  /// The results in a stable order: `out`, `dx`, then per layer its grads and extra outputs
  /// (and, when `intermediates` is set, its own `out` and the `dx` its backward returned,
  /// absent where that is None: TimeEmbedding's; docs/pipeline.md §7).
  public static func run(
    _ loaded: LoadedCase, intermediates: Bool = false, timer: inout PhaseTimer
  ) throws(PipelineError) -> [(name: String, array: NDArray)] {
    let spec = loaded.spec
    var layers: [any Layer] = []
    var value = loaded.input
    var layerOutputs: [NDArray] = []
    for (index, layer) in spec.layers.enumerated() {
      do {
        let built = try layer.kind.make(loaded.configs[index])
        let start = timer.start()
        // The layer gets the only reference to its input (unless --intermediates keeps it), so
        // it may compute in that memory.
        value = try built.forward(consume value)
        timer.record("\(layer.name) forward", since: start)
        layers.append(built)
        if intermediates { layerOutputs.append(value) }  // else each output may go when used
      } catch {
        throw failure(spec, index, "forward", error)
      }
    }
    var results: [(name: String, array: NDArray)] = [("out", value)]
    var gradient: NDArray? = loaded.dout
    var layerGradients = [NDArray?](repeating: nil, count: layers.count)
    for index in layers.indices.reversed() {
      guard let upstream = gradient else { break }
      do {
        gradient = try timer.measure("\(spec.layers[index].name) backward") { try layers[index].backward(upstream) }
      } catch {
        throw failure(spec, index, "backward", error)
      }
      if intermediates { layerGradients[index] = gradient }
    }
    // Weight gradients left to finish beside a later layer's backward, timed apart.
    for (index, layer) in layers.enumerated() {
      let start = timer.start()
      if layer.finishGradients() { timer.record("\(spec.layers[index].name) grads", since: start) }
    }
    if let dx = gradient { results.append(("dx", dx)) }
    for (index, layer) in layers.enumerated() {
      let name = spec.layers[index].name
      for (param, grad) in zip(layer.paramNames, layer.grads) { results.append(("\(name).d\(param)", grad)) }
      for extra in layer.extraOutputs { results.append(("\(name).\(extra.name)", extra.array)) }
      if intermediates {
        results.append(("\(name).out", layerOutputs[index]))
        if let dx = layerGradients[index] { results.append(("\(name).dx", dx)) }
      }
    }
    return results
  }

  private static func failure(_ spec: PipelineSpec, _ index: Int, _ pass: String, _ error: any Error) -> PipelineError {
    let layer = spec.layers[index]
    let message = (error as? LayerError)?.message ?? "\(error)"
    return PipelineError(
      file: spec.file, path: layer.jsonPath, "\(layer.kind.typeName) \"\(layer.name)\" \(pass): \(message)")
  }
}
