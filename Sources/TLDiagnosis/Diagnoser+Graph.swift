import TLArray
import TLCompare

extension Diagnoser {
  /// Diagnoses a version-2 case (docs/pipeline.md §7): each layer node rerun by itself on the
  /// values the bridge gave it, its results compared with the port's; each glue op's value
  /// recomputed and compared (a glue op's backward is exact slicing, summing and
  /// concatenating, and is judged only through the gradients of the nodes that read it). Layer
  /// nodes with failing arrays go to the detectors as a version-1 layer does; a `concat` whose
  /// value fails is tested for its parts in another order (`concat-order`).
  ///
  /// - Parameter isolate: also give every node's verdict and the first node wrong by itself.
  public static func diagnose(graph input: GraphDiagnosisInput, isolate: Bool) -> DiagnosisReport {
    var report = DiagnosisReport()
    var verdicts: [LayerVerdict] = []
    var contexts: [LayerContext] = []
    var found: [Diagnosis] = []
    for (index, node) in input.nodes.enumerated() {
      switch node.body {
      case .layer(let layer, let layerInput, let upstream):
        guard let ours = try? LayerRun.run(layer, input: layerInput, upstream: upstream) else {
          // The port's values do not fit the layer (another shape): wrong before it runs.
          verdicts.append(
            LayerVerdict(
              layer: node.name, type: node.type, forward: .fail, backward: .unchecked,
              failing: [node.port["out"]?.name ?? node.name]))
          continue
        }
        let port = node.port.filter { ours[$0.key] != nil }
        let context = context(
          index: index, layer: layer, input: layerInput, upstream: upstream, ours: ours,
          port: port.mapValues(\.array), names: port.mapValues(\.name),
          toleranceNames: port.mapValues(\.toleranceName), atolSlacks: port.mapValues(\.atolSlack),
          policy: input.policy)
        verdicts.append(verdict(layer, context))
        contexts.append(context)
        found += findings([context])
      case .glue(let op, let value, let parts):
        let (verdict, finding) = glueVerdict(node, op: op, value: value, parts: parts, policy: input.policy)
        verdicts.append(verdict)
        if let finding { found.append(finding) }
      }
    }
    if isolate {
      report.isolation = verdicts
      if let first = verdicts.first(where: { $0.forward == .fail || $0.backward == .fail }) {
        report.firstWrong = FirstWrong(layer: first.layer, direction: first.forward == .fail ? "forward" : "backward")
      }
    }
    report.locations = locations(contexts)
    report.diagnosis = Array(found.prefix(limit))
    return report
  }

  /// A glue op judged forward (its value from the values it read); its backward `unchecked`.
  static func glueVerdict(
    _ node: GraphNodeCheck, op: String, value: NDArray, parts: [(reference: String, array: NDArray)],
    policy: TolerancePolicy
  ) -> (LayerVerdict, Diagnosis?) {
    var result = LayerVerdict(layer: node.name, type: op, forward: .unchecked, backward: .unchecked, failing: [])
    guard let port = node.port["out"] else { return (result, nil) }
    let tolerance = policy.tolerance(for: port.toleranceName, expected: port.array, actualDType: value.dtype)
    let compared = compareArray(name: port.name, actual: value, expected: port.array, tolerance: tolerance)
    guard compared.status == .shapeMismatch || compared.valuesStatus == .mismatch else {
      result.forward = .pass
      return (result, nil)
    }
    result.forward = .fail
    result.failing = [port.name]
    guard op == "concat" else { return (result, nil) }
    let finding = ConcatOrderDetector.detect(
      node: node.name, parts: parts, port: port, tolerance: tolerance)
    return (result, finding)
  }
}
