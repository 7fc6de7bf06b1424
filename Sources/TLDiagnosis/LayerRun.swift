import TLArray
import TLLayers

/// One layer run by itself, forward on `input` then backward from `upstream`, with its results
/// under the local names the diagnosis uses: `out`, `dx` (absent where the book's backward
/// returns None), `dPARAM` per param and the extra outputs (`h`, `c`, `dh`, `mask`, `dhs_enc`).
enum LayerRun {
  static func run(_ layer: ChainLayer, config: LayerConfig? = nil, input: NDArray, upstream: NDArray) throws
    -> [String: NDArray]
  {
    let built = try layer.kind.make(config ?? layer.config)
    var results: [String: NDArray] = [:]
    results["out"] = try built.forward(input)
    results["dx"] = try built.backward(upstream)
    for (param, grad) in zip(built.paramNames, built.grads) { results["d\(param)"] = grad }
    for extra in built.extraOutputs { results[extra.name] = extra.array }
    return results
  }

  /// Whether a local result name belongs to the forward pass (`out`, `h`, `c`, `mask`) rather
  /// than the backward (`dx`, the grads, `dh`, `dhs_enc`).
  static func isForward(_ key: String) -> Bool { ["out", "h", "c", "mask"].contains(key) }
}

/// tl-run's own chain, forward then backward, keeping each layer's input and upstream
/// gradient: where the port's reference lacks an intermediate, a layer is run on these.
struct ChainTrace {
  var inputs: [NDArray] = []
  var upstreams: [NDArray?] = []

  init(_ input: DiagnosisInput) throws {
    var value = input.input
    var built: [any Layer] = []
    for layer in input.layers {
      let made = try layer.kind.make(layer.config)
      inputs.append(value)
      value = try made.forward(value)
      built.append(made)
    }
    upstreams = [NDArray?](repeating: nil, count: built.count)
    var gradient: NDArray? = input.dout
    for index in built.indices.reversed() {
      guard let upstream = gradient else { break }
      upstreams[index] = upstream
      gradient = try built[index].backward(upstream)
    }
  }
}
