import TLArray
import TLLayers

/// One node of a graph (pipeline.md §6.1): a layer of the registry or a glue op, the values
/// it reads and, for a layer, its params, options and state edges. The node's `name` names
/// its output value (a `split` names its parts `NAME.0`, `NAME.1`, …) and its layer.
public struct GraphNode: Sendable {
  /// What the node computes.
  public enum Operation: Sendable {
    /// A layer of the registry with its options.
    case layer(LayerKind, LayerOptions)
    /// The value of the one reference in ``GraphNode/inputs`` (a time slice, usually).
    case slice
    /// h (N, H) repeated over T, T being axis 1 of the `like` reference's value: (N, T, H).
    case repeatOverTime(like: ValueReference)
    /// The inputs (N, T, Hᵢ) joined on the last axis in the listed order.
    case concat
    /// The one input (N, T, H) cut on the last axis into parts of these sizes.
    case split(sizes: [Int])
    /// The elementwise sum of the inputs, left to right.
    case sum
  }

  /// A param the node shares with another node (pipeline.md §6.1 `params`): the same array,
  /// optionally transposed, with its gradient kept per use.
  public struct Tie: Sendable, Equatable {
    /// The other param's full name, `embed.W`.
    public var source: String
    public var transposed: Bool
    public init(source: String, transposed: Bool) { (self.source, self.transposed) = (source, transposed) }
  }

  public var name: String
  /// The node's JSON path, `graph[3]`, for errors.
  public var path: String
  public var operation: Operation
  /// `in`: the chain input of a layer, or the list a glue op reads.
  public var inputs: [ValueReference]
  /// A layer's extra inputs by the book's argument names: `ts`, `hs_enc`.
  public var extraInputs: [(name: String, reference: ValueReference)]
  /// `set_state`: `h` (and `c`) from values; the layer's `dh` flows back into `h`'s value.
  public var setState: [(name: String, reference: ValueReference)]
  /// The book's `stateful=True`: the final state of one forward starts the next.
  public var stateful: Bool
  /// The layer's params by its own names (`W`), tied ones already resolved (transposed copies).
  public var params: [String: NDArray]
  /// The params this node shares with another, by its own param name.
  public var ties: [String: Tie]

  public init(
    name: String, path: String, operation: Operation, inputs: [ValueReference],
    extraInputs: [(name: String, reference: ValueReference)] = [],
    setState: [(name: String, reference: ValueReference)] = [], stateful: Bool = false,
    params: [String: NDArray] = [:], ties: [String: Tie] = [:]
  ) {
    (self.name, self.path, self.operation, self.inputs) = (name, path, operation, inputs)
    (self.extraInputs, self.setState, self.stateful) = (extraInputs, setState, stateful)
    (self.params, self.ties) = (params, ties)
  }

  /// The values the node produces: its name, or `NAME.i` for each part of a split.
  public var outputNames: [String] {
    if case .split(let sizes) = operation { return sizes.indices.map { "\(name).\($0)" } }
    return [name]
  }

  /// Every reference the node reads, with the JSON key it came from, in the order backward
  /// adds their gradients: `in`, the extra inputs, the state edges.
  public var references: [(key: String, reference: ValueReference)] {
    let ins = inputs.count == 1 ? [("in", inputs[0])] : inputs.enumerated().map { ("in[\($0)]", $1) }
    var all = ins + extraInputs.map { ($0.name, $0.reference) }
    all += setState.map { ("set_state.\($0.name)", $0.reference) }
    if case .repeatOverTime(let like) = operation { all.append(("like", like)) }
    return all.map { (key: $0.0, reference: $0.1) }
  }
}
