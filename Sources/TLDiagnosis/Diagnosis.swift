/// One diagnosis: a porting mistake that explains the difference of one or more arrays of a
/// layer, with the evidence (docs/pipeline.md §7). The `--json` report lists these under
/// `"diagnosis"`; `summary` is the sentence shown to users (text report, HTML page).
public struct Diagnosis: Codable, Sendable, Equatable {
  /// The first array it explains (`lstm.dWx`, or `out`/`dx` for the chain's ends).
  public var array: String
  /// Every array it explains, in the order the run writes them.
  public var arrays: [String]
  /// The layer's name in the pipeline.
  public var layer: String
  public var kind: MistakeKind
  /// The evidence: `with gates in order [i, f, g, o] … matches to 3e-16`.
  public var detail: String
  /// The first failing time step of the first of ``arrays`` with a time axis.
  public var step: Int?
  /// The failing gate blocks of the first of ``arrays`` that is an LSTM/GRU param gradient.
  public var gates: [String]?

  /// One sentence for users, what the text report prints after `diagnosis:` (and the HTML
  /// page shows): `lstm: gate-order: with gates in order … (explains out, lstm.dWx).`
  public var summary: String

  public init(
    array: String, arrays: [String], layer: String, kind: MistakeKind, detail: String, step: Int? = nil,
    gates: [String]? = nil
  ) {
    self.array = array
    self.arrays = arrays
    self.layer = layer
    self.kind = kind
    self.detail = detail
    self.step = step
    self.gates = gates
    summary =
      "\(layer): \(kind.rawValue): \(detail)"
      + (arrays.count > 1 ? " (explains \(arrays.joined(separator: ", ")))" : "")
  }
}

/// One layer's verdict under `--isolate`: run by itself on the port's own input and upstream
/// gradient, are its forward results (`out`, `h`, `c`, `mask`) and its backward results
/// (`dx`, grads, `dh`, `dhs_enc`) right?
public struct LayerVerdict: Codable, Sendable, Equatable {
  public enum Verdict: String, Codable, Sendable { case pass, fail, unchecked }
  public var layer: String
  public var type: String
  public var forward: Verdict
  public var backward: Verdict
  /// The arrays that fail, by result name.
  public var failing: [String]
}

/// The first layer wrong by itself, and in which direction (`forward` when its forward fails,
/// whatever its backward does; else `backward`).
public struct FirstWrong: Codable, Sendable, Equatable {
  public var layer: String
  /// `forward` or `backward`.
  public var direction: String

  public init(layer: String, direction: String) {
    self.layer = layer
    self.direction = direction
  }
}
