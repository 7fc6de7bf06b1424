/// The porting mistakes docs/pipeline.md §7 names, by their stable identifiers (the traps of
/// docs/layers.md §9).
public enum MistakeKind: String, Codable, Sendable, CaseIterable {
  case gateOrder = "gate-order"
  case transposed
  case scaled
  case accumulatedGrads = "accumulated-grads"
  case embeddingOverwrite = "embedding-overwrite"
  case missingIgnoreMask = "missing-ignore-mask"
  case stateNotReset = "state-not-reset"
  case noBPTTCarry = "no-bptt-carry"
  case timeShift = "time-shift"
  case concatOrder = "concat-order"
  case dropoutScale = "dropout-scale"
}

/// What a detector found: the kind, the local result names of one layer it explains (`out`,
/// `dWx`), and the evidence in words.
struct Finding {
  var kind: MistakeKind
  var keys: [String]
  var detail: String
}

/// One detector of one kind of mistake: given a layer whose arrays fail, the findings that
/// explain them (none when the kind does not fit).
protocol MistakeDetector: Sendable {
  static func detect(in context: LayerContext) -> [Finding]
}
