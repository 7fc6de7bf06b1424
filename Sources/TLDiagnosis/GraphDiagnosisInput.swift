import TLArray
import TLCompare

/// Everything a diagnosis needs from one version-2 case (docs/pipeline.md §7): each node of
/// the graph in file order, already given the values it is judged on (the port's own where the
/// reference holds them, else tl-run's), and the port's arrays of that node. TLPipeline
/// resolves the graph's references and state edges; this module knows no graph.
public struct GraphDiagnosisInput: Sendable {
  public var nodes: [GraphNodeCheck]
  /// How each array is judged: the same policy as the run's comparison.
  public var policy: TolerancePolicy

  public init(nodes: [GraphNodeCheck], policy: TolerancePolicy) {
    self.nodes = nodes
    self.policy = policy
  }
}

/// One node of a version-2 graph as the diagnosis judges it.
public struct GraphNodeCheck: Sendable {
  /// How the node is rerun.
  public enum Body: Sendable {
    /// A layer node: its layer built as tl-run built it with the values it reads replaced
    /// (extra inputs such as `hs_enc` and `ts`, its `set_state` h and c), its `in` (N, T, …) and
    /// the upstream gradient of its output (1 for the loss).
    case layer(ChainLayer, input: NDArray, upstream: NDArray)
    /// A glue op (`concat`, `repeat`, `slice`, `split`, `sum`): its value recomputed from the
    /// values it reads; for a `concat`, its parts in the listed order with their references.
    case glue(op: String, value: NDArray, parts: [(reference: String, array: NDArray)])
  }

  /// The node's name in the graph (its layer's name).
  public var name: String
  public var body: Body
  /// The port's arrays of this node by local name: a layer's `out` (the value `NODE`), `dx`
  /// (`NODE.dx`), `dPARAM`, `h`, `c`, `mask`, and the gradients it sends into a value other than
  /// its `in` (`dh`, `dhs_enc`) where they can be read off the port's gradients; a glue op's
  /// `out`.
  public var port: [String: JudgedArray]

  public init(name: String, body: Body, port: [String: JudgedArray]) {
    self.name = name
    self.body = body
    self.port = port
  }

  /// The type shown in the isolation table: the layer's type or the glue op.
  public var type: String {
    switch body {
    case .layer(let layer, _, _): layer.kind.typeName
    case .glue(let op, _, _): op
    }
  }
}

/// One of the port's arrays as a node is judged on it: the name shown in the report, the
/// array, and the result name whose tolerance applies (the same, unless the array is derived
/// from another result: a state edge's `dh` read off `encoder.lstm.grad`).
public struct JudgedArray: Sendable {
  public var name: String
  public var array: NDArray
  public var toleranceName: String
  /// Added to the tolerance's `atol`: the rounding a derived array carries (the port's sum of
  /// shares rounded in its dtype, then the other shares taken off); 0 for an array as written.
  public var atolSlack: Double

  public init(name: String, array: NDArray, toleranceName: String? = nil, atolSlack: Double = 0) {
    self.name = name
    self.array = array
    self.toleranceName = toleranceName ?? name
    self.atolSlack = atolSlack
  }
}
