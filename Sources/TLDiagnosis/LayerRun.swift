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

  /// One layer run as part of the chain's rest: forward on `input`, its output through the
  /// `later` layers (each built from its own configuration) to the end, backward from `dout`
  /// through them, and this layer's backward on the gradient that reaches it. Its results as
  /// ``run(_:config:input:upstream:)`` gives them; throws where a shape does not fit, or where
  /// a later layer's backward returns no gradient.
  static func run(
    _ layer: ChainLayer, config: LayerConfig? = nil, input: NDArray, through later: [ChainLayer], dout: NDArray
  ) throws -> [String: NDArray] {
    let built = try layer.kind.make(config ?? layer.config)
    var results: [String: NDArray] = [:]
    let out = try built.forward(input)
    results["out"] = out
    var value = out
    var chain: [any Layer] = []
    for next in later {
      let made = try next.kind.make(next.config)
      value = try made.forward(value)
      chain.append(made)
    }
    var gradient = dout
    for made in chain.reversed() {
      guard let passed = try made.backward(gradient) else { throw DiagnosisError("no gradient") }
      gradient = passed
    }
    results["dx"] = try built.backward(gradient)
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
