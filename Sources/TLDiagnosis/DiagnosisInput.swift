import TLArray
import TLCompare
import TLLayers

/// One layer of a version-1 chain as the diagnosis sees it: its name in the pipeline, its kind
/// and the configuration it was built from (params, extra inputs, state, options).
public struct ChainLayer: Sendable {
  public var name: String
  public var kind: LayerKind
  public var config: LayerConfig

  public init(name: String, kind: LayerKind, config: LayerConfig) {
    self.name = name
    self.kind = kind
    self.config = config
  }
}

/// Everything a diagnosis needs from one version-1 case (docs/pipeline.md §7): the chain, its
/// input `xs` and upstream gradient `dout`, and the port's arrays (the reference) under the
/// result names of docs/pipeline.md §3 (`out`, `dx`, `LAYER.dPARAM`, `LAYER.out`, `LAYER.dx`).
public struct DiagnosisInput: Sendable {
  public var layers: [ChainLayer]
  /// The chain's first input (N, T, …) or ids (N, T).
  public var input: NDArray
  /// The upstream gradient of the final output (1 after a loss layer).
  public var dout: NDArray
  /// The port's arrays by result name.
  public var reference: [String: NDArray]
  /// How each array is judged: the same policy as the run's comparison.
  public var policy: TolerancePolicy

  public init(
    layers: [ChainLayer], input: NDArray, dout: NDArray, reference: [String: NDArray], policy: TolerancePolicy
  ) {
    self.layers = layers
    self.input = input
    self.dout = dout
    self.reference = reference
    self.policy = policy
  }
}

/// A fault the user caused (`--isolate` with a reference that lacks the intermediates): one
/// line naming the array that is missing.
public struct DiagnosisError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public var description: String { message }
  public init(_ message: String) { self.message = message }
}
