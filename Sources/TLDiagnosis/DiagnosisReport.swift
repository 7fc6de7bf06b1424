/// What the diagnosis of one case found: the locations of the failing arrays, the mistakes
/// that explain them, and under `--isolate` every layer's verdict and the first layer wrong by
/// itself. RunReport encodes it as the top-level `"diagnosis"`, `"isolation"` and
/// `"first_wrong"`, and the locations as `step`/`gates` of the comparison's array entries.
public struct DiagnosisReport: Sendable, Equatable {
  public var diagnosis: [Diagnosis] = []
  public var locations: [Location] = []
  /// nil unless `--isolate` was given.
  public var isolation: [LayerVerdict]?
  /// Under `--isolate`, the first layer wrong by itself; nil when every layer is right.
  public var firstWrong: FirstWrong?

  public init() {}

  /// The text report's lines: the isolation table, the locations, one line per diagnosis.
  public var textLines: [String] {
    var lines: [String] = []
    if let isolation {
      lines.append("isolation (each layer on the reference's own input and upstream gradient):")
      let width = isolation.map { $0.layer.count + $0.type.count + 1 }.max() ?? 0
      for verdict in isolation {
        let label = "\(verdict.layer) \(verdict.type)".padding(toLength: width, withPad: " ", startingAt: 0)
        let failing = verdict.failing.isEmpty ? "" : "  (\(verdict.failing.joined(separator: ", ")))"
        lines.append("  \(label)  forward \(word(verdict.forward))  backward \(word(verdict.backward))\(failing)")
      }
      lines.append(
        firstWrong.map { "first layer wrong by itself: \($0.layer) (\($0.direction))" }
          ?? "no layer is wrong by itself")
    }
    // One line per array; the names of one array (`out` and `lstm.out`) share it.
    var groups: [[Location]] = []
    for location in locations {
      if let last = groups.last?.last, last.step == location.step, last.gates == location.gates {
        groups[groups.count - 1].append(location)
      } else {
        groups.append([location])
      }
    }
    for group in groups {
      var facts: [String] = []
      if let step = group[0].step { facts.append("first failing time step \(step)") }
      if let gates = group[0].gates { facts.append("failing gates \(gates.joined(separator: ", "))") }
      lines.append("where: \(group.map(\.array).joined(separator: ", ")): \(facts.joined(separator: "; "))")
    }
    for entry in diagnosis { lines.append("diagnosis: \(entry.summary)") }
    return lines
  }

  private func word(_ verdict: LayerVerdict.Verdict) -> String {
    switch verdict {
    case .pass: "ok"
    case .fail: "FAIL"
    case .unchecked: "unchecked"
    }
  }
}
