import TLGraph
import TLLayers

/// The version-2 part of a pipeline (pipeline.md §6): the inputs by name, the params, and a
/// book model or an explicit graph. Decoded strictly; references are checked against the
/// values above them before anything is loaded.
public struct GraphSpec: Sendable {
  /// `inputs`: `xs`, `ts`, … each one source (a list of sources with `train`).
  public var inputs: [(name: String, sources: [SourceSpec])]
  public var params: ParamsSpec
  public var body: Body
  /// BetterRnnlm's `dropout_ratio`, `train_flg`, `seed` (model form only).
  public var dropoutRatio: Double?
  public var trainFlag: Bool?
  public var seed: Int?
  /// `train`: steps, the optimizer (type and the book's arguments), max_grad (pipeline.md §6.4).
  public var train: TrainSpec?
  /// `generate`: greedy generation of the seq2seq models (pipeline.md §6.5).
  public var generate: (startID: Int64, sampleSize: Int)?

  /// A model of the book by name, or the nodes of a graph and its loss value.
  public enum Body: Sendable {
    case model(BookModel)
    case graph([NodeSpec], loss: String)
  }
}

/// `params`: a collection holding every param by its dotted name, or one source per name.
public enum ParamsSpec: Sendable {
  /// `.npz`, `.h5`, `.safetensors` or a directory of `.npy`; the JSON path for errors.
  case collection(String, jsonPath: String)
  case arrays([(name: String, source: SourceSpec)])
}

/// One entry of `graph` as written.
public struct NodeSpec: Sendable {
  public var name: String
  /// `graph[3]`, for messages.
  public var jsonPath: String
  public var operation: Operation
  public var inputs: [ValueReference]
  public var extraInputs: [(name: String, reference: ValueReference)]
  public var setState: [(name: String, reference: ValueReference)]
  public var stateful: Bool
  /// Per param name, another param's full name and whether it is used transposed.
  public var ties: [String: GraphNode.Tie]
  public var options: [String: LayerOptionSpec]

  public enum Operation: Sendable {
    case layer(LayerKind)
    case slice
    case repeatOverTime(like: ValueReference)
    case concat
    case split(sizes: [Int])
    case sum
  }
}

/// The `train` object (pipeline.md §6.4).
public struct TrainSpec: Sendable {
  public var steps: Int
  public var optimizer: Optimizer.Kind
  /// The book's argument names: `lr`, `momentum`, `decay_rate`, `beta1`, `beta2` (nil: default).
  public var arguments: [String: Double]
  public var maxGrad: Double?
}
