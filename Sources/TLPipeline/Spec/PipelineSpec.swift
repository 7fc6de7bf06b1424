import TLArray
import TLCompare
import TLLayers

/// A decoded pipeline file, version 1 (docs/pipeline.md §1). Paths are as written; they are
/// resolved against the case directory and the pipeline's directory when arrays are loaded.
public struct PipelineSpec: Sendable {
  /// The highest pipeline-file version this build reads.
  public static let supportedVersion = 2

  /// The pipeline file itself.
  public var file: String
  public var version: Int
  /// Shown in reports; defaults to the file's name.
  public var name: String
  public var input: SourceSpec
  public var layers: [LayerSpec]
  /// The upstream gradient of the final output; nil only when the last layer is a loss (then 1).
  public var dout: SourceSpec?
  /// A directory (default `out`), or a path ending in `.npz` or `.h5`.
  public var outputs: String
  public var reference: String?
  public var tolerance: ToleranceSpec
  /// The version-2 part (pipeline.md §6); nil for version 1. A version-2 spec has no `layers`
  /// and its `input` is its first named input.
  public var graph: GraphSpec? = nil
}

/// Where an array comes from (docs/pipeline.md §2), with the JSON path it was written at.
public struct SourceSpec: Sendable {
  public enum Form: Sendable {
    /// A file or file member: `a.npy`, `a.npz:key`, `a.h5:/group/dataset`.
    case file(String)
    /// An array written in the pipeline file.
    case inline(NDArray)
  }
  public var form: Form
  /// `layers[1].params.W`, for messages.
  public var jsonPath: String
}

/// One entry of `layers`.
public struct LayerSpec: Sendable {
  public var name: String
  public var kind: LayerKind
  public var params: [String: SourceSpec]
  public var inputs: [String: SourceSpec]
  public var state: [String: SourceSpec]
  /// The options given, among those the kind declares (Dropout's `ratio`), by name.
  public var options: [String: LayerOptionSpec]
  /// `layers[1]`, for messages.
  public var jsonPath: String

  /// The array sources among the options (Dropout's `mask`), by option name.
  public var optionSources: [SourceSpec] {
    options.sorted { $0.key < $1.key }.compactMap { entry in
      if case .source(let source) = entry.value { return source }
      return nil
    }
  }
}

/// A layer option as written: a value, or an array source still to load.
public enum LayerOptionSpec: Sendable {
  case value(LayerOptionValue)
  case source(SourceSpec)
}

/// The `tolerance` object: file-level values and per-array overrides (all optional).
public struct ToleranceSpec: Sendable, Equatable {
  public var file: ToleranceOverride
  public var arrays: [String: ToleranceOverride]
  public init(file: ToleranceOverride = .none, arrays: [String: ToleranceOverride] = [:]) {
    self.file = file
    self.arrays = arrays
  }
}
