import TLArray
import TLCompare
import TLLayers

/// A decoded pipeline file, version 1 (pipeline.md §1). Paths are as written; they are
/// resolved against the case directory and the pipeline's directory when arrays are loaded.
public struct PipelineSpec: Sendable {
  /// The highest pipeline-file version this build reads.
  public static let supportedVersion = 1

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
}

/// Where an array comes from (pipeline.md §2), with the JSON path it was written at.
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
  public var ratio: Double?
  public var mask: SourceSpec?
  public var train: Bool?
  public var seed: UInt32?
  /// `layers[1]`, for messages.
  public var jsonPath: String
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
