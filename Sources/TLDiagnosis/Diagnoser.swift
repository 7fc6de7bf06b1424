import TLArray
import TLCompare
import TLLayers

/// Diagnoses a version-1 case whose comparison failed (docs/pipeline.md §7): each layer is
/// rerun on its own input and upstream gradient (the port's `LAYER.out` of the layer before
/// and `LAYER.dx` of the layer after where the reference holds them, else tl-run's), its
/// results compared with the port's, and each layer with failing arrays handed to the
/// detectors, one per mistake kind.
public enum Diagnoser {
  /// The detectors, the specific kinds first: `scaled` is kept only for arrays no other kind
  /// explains.
  static let detectors: [any MistakeDetector.Type] = [
    GateOrderDetector.self, EmbeddingOverwriteDetector.self, MissingIgnoreMaskDetector.self,
    StateNotResetDetector.self, NoBPTTCarryDetector.self, ConcatOrderDetector.self, DropoutScaleDetector.self,
    AccumulatedGradsDetector.self, TransposedDetector.self, TimeShiftDetector.self, ScaledDetector.self,
  ]

  /// At most this many diagnoses are reported (a few kinds that fit, never a list of guesses).
  public static let limit = 4

  /// The largest layer (elements of its input, upstream gradient and params together) the
  /// detectors rerun with variants; beyond it only the array transforms are tested, so a large
  /// failing case is not slowed by dozens of reruns.
  public static let rerunLimit = 4_000_000

  /// - Parameters:
  ///   - input: the chain and the port's arrays.
  ///   - isolate: judge every layer by itself (`--isolate`); then the reference must hold
  ///     every intermediate a layer's input or upstream gradient comes from.
  /// - Throws: ``DiagnosisError`` when `isolate` is set and the reference lacks an
  ///   intermediate, naming it.
  public static func diagnose(_ input: DiagnosisInput, isolate: Bool) throws(DiagnosisError) -> DiagnosisReport {
    if isolate { try checkIsolation(input) }
    let contexts = layerContexts(input)
    var report = DiagnosisReport()
    if isolate {
      report.isolation = zip(input.layers, contexts).map { layer, context in verdict(layer, context) }
      if let first = report.isolation?.first(where: { $0.forward == .fail || $0.backward == .fail }) {
        report.firstWrong = FirstWrong(layer: first.layer, direction: first.forward == .fail ? "forward" : "backward")
      }
    }
    report.locations = locations(contexts.compactMap { $0 })
    report.diagnosis = Array(findings(contexts.compactMap { $0 }).prefix(limit))
    return report
  }

  /// The locations of every failing array of `contexts` (under each name the port holds it).
  static func locations(_ contexts: [LayerContext]) -> [Location] {
    var found: [Location] = []
    for context in contexts {
      for key in context.failing {
        guard let location = Location.find(key, in: context) else { continue }
        found += (context.aliases[key] ?? [location.array]).map { name in
          Location(array: name, step: location.step, gates: location.gates)
        }
      }
    }
    return found
  }

  /// What the detectors find on every context with failing arrays, in context order. A layer
  /// judged on tl-run's own values where the reference lacks the port's (no intermediates) sees
  /// the symptoms of a mistake elsewhere: when another layer's mistake is found on the side
  /// those values come from (a layer before, for one judged on tl-run's input; after, for one
  /// judged on tl-run's upstream gradient), its own findings are dropped.
  static func findings(_ contexts: [LayerContext]) -> [Diagnosis] {
    let perLayer = contexts.map { findings(in: $0) }
    var found: [Diagnosis] = []
    for (position, context) in contexts.enumerated() {
      let symptom = contexts.indices.contains { other in
        guard other != position, !perLayer[other].isEmpty else { return false }
        return other < position ? !context.portInput : !context.portUpstream
      }
      if !symptom { found += perLayer[position] }
    }
    return found
  }

  /// What the detectors find on one context (none when no array fails).
  static func findings(in context: LayerContext) -> [Diagnosis] {
    guard !context.failing.isEmpty else { return [] }
    var found: [Diagnosis] = []
    var explained = Set<String>()
    for detector in detectors {
      for finding in detector.detect(in: context) {
        if finding.kind == .scaled, finding.keys.allSatisfy(explained.contains) { continue }
        explained.formUnion(finding.keys)
        // Where it applies: the first explained array with a time axis gives the step, the
        // first LSTM/GRU gradient the gates.
        let locations = finding.keys.compactMap { Location.find($0, in: context) }
        found.append(
          Diagnosis(
            array: context.name(finding.keys[0]), arrays: finding.keys.map(context.name), layer: context.layer.name,
            kind: finding.kind, detail: finding.detail, step: locations.lazy.compactMap(\.step).first,
            gates: locations.lazy.compactMap(\.gates).first))
      }
    }
    return found
  }

  /// `--isolate` needs, for every layer but the first, the port's output of the layer before,
  /// and for every layer but the last, the port's `dx` of the layer after.
  public static func checkIsolation(_ input: DiagnosisInput) throws(DiagnosisError) {
    let layers = input.layers
    for index in layers.indices {
      if index > 0, input.reference["\(layers[index - 1].name).out"] == nil {
        throw DiagnosisError(
          "--isolate needs the reference's intermediates: it holds no \"\(layers[index - 1].name).out\", the input of layer \"\(layers[index].name)\" (write them with --intermediates, or tlrun_case.py's record_intermediates)"
        )
      }
      if index + 1 < layers.count, input.reference["\(layers[index + 1].name).dx"] == nil {
        throw DiagnosisError(
          "--isolate needs the reference's intermediates: it holds no \"\(layers[index + 1].name).dx\", the upstream gradient of layer \"\(layers[index].name)\" (write them with --intermediates, or tlrun_case.py's record_intermediates)"
        )
      }
    }
  }

  /// One context per layer; nil for a layer that cannot be rerun on its input (the port's
  /// previous output of another shape).
  static func layerContexts(_ input: DiagnosisInput) -> [LayerContext?] {
    let layers = input.layers
    var trace: ChainTrace?
    func traced() -> ChainTrace? {
      if trace == nil { trace = try? ChainTrace(input) }
      return trace
    }
    return layers.indices.map { index -> LayerContext? in
      let layer = layers[index]
      let own: NDArray? = index == 0 ? input.input : input.reference["\(layers[index - 1].name).out"]
      let ownUpstream: NDArray? =
        index + 1 == layers.count ? input.dout : input.reference["\(layers[index + 1].name).dx"]
      guard let layerInput = own ?? traced()?.inputs[index],
        let upstream = ownUpstream ?? traced()?.upstreams[index].flatMap({ $0 }),
        let ours = try? LayerRun.run(layer, input: layerInput, upstream: upstream)
      else { return nil }
      var port: [String: NDArray] = [:]
      var names: [String: String] = [:]
      var aliases: [String: [String]] = [:]
      // The chain's own names (`out`, `dx`) first: every run writes them.
      for (name, array) in input.reference.sorted(by: {
        ($0.key.contains(".") ? 1 : 0, $0.key) < ($1.key.contains(".") ? 1 : 0, $1.key)
      }) {
        guard let key = localName(name, index: index, layers: layers), ours[key] != nil else { continue }
        aliases[key, default: []].append(name)
        guard port[key] == nil else { continue }
        port[key] = array
        names[key] = name
      }
      var judged = context(
        index: index, layer: layer, input: layerInput, upstream: upstream, ours: ours, port: port, names: names,
        aliases: aliases, policy: input.policy)
      judged.portInput = own != nil
      judged.portUpstream = ownUpstream != nil
      if ownUpstream == nil { judged.downstream = (Array(layers[(index + 1)...]), input.dout) }
      return judged
    }
  }

  /// One layer's context: each of the port's arrays compared with tl-run's of the same local
  /// name under the policy's tolerance for its result name (or for `toleranceNames[key]`,
  /// where a judged array is derived from another result, its `atol` widened by
  /// `atolSlacks[key]`).
  static func context(
    index: Int, layer: ChainLayer, input: NDArray, upstream: NDArray, ours: [String: NDArray],
    port: [String: NDArray], names: [String: String], aliases: [String: [String]] = [:],
    toleranceNames: [String: String] = [:], atolSlacks: [String: Double] = [:], policy: TolerancePolicy
  ) -> LayerContext {
    var tolerances: [String: Tolerance] = [:]
    var failing: [String] = []
    for key in order(ours.keys, layer) {
      guard let expected = port[key], let actual = ours[key], let name = names[key] else { continue }
      var tolerance = policy.tolerance(
        for: toleranceNames[key] ?? name, expected: expected, actualDType: actual.dtype)
      tolerance.atol += atolSlacks[key] ?? 0
      tolerances[key] = tolerance
      let result = compareArray(name: name, actual: actual, expected: expected, tolerance: tolerance)
      if result.status == .shapeMismatch || result.valuesStatus == .mismatch { failing.append(key) }
    }
    return LayerContext(
      index: index, layer: layer, input: input, upstream: upstream, ours: ours, port: port,
      tolerances: tolerances, failing: failing, names: names, aliases: aliases)
  }

  /// The local name (`out`, `dWx`) of a result name for the layer at `index`: `LAYER.KEY`, or
  /// `out` for the last layer and `dx` for the first.
  static func localName(_ name: String, index: Int, layers: [ChainLayer]) -> String? {
    if name == "out", index == layers.count - 1 { return "out" }
    if name == "dx", index == 0 { return "dx" }
    let prefix = layers[index].name + "."
    return name.hasPrefix(prefix) ? String(name.dropFirst(prefix.count)) : nil
  }

  /// Local names in the order the run writes results: out, dx, the grads, the extras.
  static func order(_ keys: Dictionary<String, NDArray>.Keys, _ layer: ChainLayer) -> [String] {
    let grads = layer.kind.paramNames.map { "d\($0)" }
    let leading = ["out", "dx"] + grads
    return leading.filter(keys.contains) + keys.filter { !leading.contains($0) }.sorted()
  }

  static func verdict(_ layer: ChainLayer, _ context: LayerContext?) -> LayerVerdict {
    guard let context else {
      return LayerVerdict(
        layer: layer.name, type: layer.kind.typeName, forward: .fail, backward: .unchecked,
        failing: ["\(layer.name).out"])
    }
    let judged = Array(context.port.keys)
    func verdict(_ forward: Bool) -> LayerVerdict.Verdict {
      let keys = judged.filter { LayerRun.isForward($0) == forward }
      if keys.isEmpty { return .unchecked }
      return keys.contains(where: context.failing.contains) ? .fail : .pass
    }
    return LayerVerdict(
      layer: layer.name, type: layer.kind.typeName, forward: verdict(true), backward: verdict(false),
      failing: context.failing.map(context.name))
  }
}
