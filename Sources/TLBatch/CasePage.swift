import Synchronization
import TLArray
import TLCompare
import TLDiagnosis
import TLIO
import TLPipeline
import TLReportHTML

/// One case's part of the `--html` page (docs/pipeline.md §5): a section per failing array
/// with its verdict, sentences and pictures, and the arrays within tolerance in one table.
public enum CasePage {
  /// The most failing arrays of one case that get pictures; the rest get their verdict only.
  public static let picturedArraysPerCase = 32

  /// The sentences about array `name` that the page shows above its verdict: the `summary` of
  /// each diagnosis that explains it (docs/pipeline.md §7), then where it fails in time and in
  /// the gates.
  static func sentences(_ result: CaseResult, _ name: String) -> [String] {
    let report = result.diagnosis
    let summaries = (report?.diagnosis ?? []).filter { $0.arrays.contains(name) }.map(\.summary)
    let places = (report?.locations ?? []).filter { $0.array == name }.compactMap { location -> String? in
      let facts =
        [
          location.step.map { "first failing time step \($0)" },
          location.gates.map { "failing gate blocks \($0.joined(separator: ", "))" },
        ]
        .compactMap { $0 }
      return facts.isEmpty ? nil : "\(name): " + facts.joined(separator: "; ")
    }
    return summaries + places
  }

  /// The detail of a case that ran: its failing arrays, worst first, pictured while `budget`
  /// lasts, and its arrays within tolerance with their largest error ratio.
  public static func detail(_ result: CaseResult, layouts: ArrayLayouts, budget: PictureBudget) -> HTMLCaseDetail {
    guard let comparison = result.comparison else {
      return HTMLCaseDetail(failing: [], passing: [], note: "The pipeline names no reference: nothing was compared.")
    }
    let actual = Dictionary(result.results.map { ($0.name, $0.array) }, uniquingKeysWith: { first, _ in first })
    let expected = Dictionary(
      (result.reference ?? []).map { ($0.name, $0.array) }, uniquingKeysWith: { first, _ in first })
    // The arrays a diagnosis explains, and those of the first layer wrong by itself, come
    // first: downstream arrays that fail only because of them follow.
    let causes = causeArrays(result.diagnosis)
    let failing = comparison.arrays.filter { $0.status.isFailure }.enumerated().sorted { a, b in
      let (p, q) = (causes.contains(a.element.name), causes.contains(b.element.name))
      if p != q { return p }
      let (x, y) = (a.element.report.severity, b.element.report.severity)
      return x != y ? x > y : a.offset < b.offset
    }.map(\.element)
    var sections: [HTMLArraySection] = []
    var unpictured = 0
    for (position, array) in failing.enumerated() {
      var pictures: ArrayPictures?
      if let tolerance = array.tolerance, let a = actual[array.name], let e = expected[array.name], a.shape == e.shape,
        a.count > 0
      {
        if position < picturedArraysPerCase, !budget.isSpent {
          let drawn = ArrayPictures(
            actual: a, expected: e, tolerance: tolerance, layout: layouts.layout(of: array.name, rank: e.shape.count))
          if budget.spend(drawn.heatmaps.reduce(0) { $0 + $1.png.count }) { pictures = drawn }
        }
        if pictures == nil { unpictured += 1 }
      }
      sections.append(
        HTMLArraySection(
          comparison: array, sentences: sentences(result, array.name),
          verdict: array.report.detailLines.map { String($0.drop { $0 == " " }) }, pictures: pictures))
    }
    var passing: [HTMLPassingArray] = []
    for array in comparison.arrays where array.status == .pass {
      guard let tolerance = array.tolerance, let a = actual[array.name], let e = expected[array.name] else { continue }
      let ratio = ArrayPictures(actual: a, expected: e, tolerance: tolerance, layout: .plain, drawing: false).maxRatio
      passing.append(
        HTMLPassingArray(name: array.name, dtype: e.dtype.rawValue, shape: e.shape, maxRatio: ratio))
    }
    let note =
      unpictured == 0
      ? nil
      : "\(unpictured) failing array\(unpictured == 1 ? " has" : "s have") no pictures: at most \(picturedArraysPerCase) per case, and \(PictureBudget.defaultBytes / 1_000_000) MB of pictures per page."
    return HTMLCaseDetail(failing: sections, passing: passing, note: note, isolation: isolation(result.diagnosis))
  }

  /// The failing arrays that come first on the page: those a diagnosis explains, and under
  /// `--isolate` those the first layer wrong by itself fails when run alone or names
  /// (`LAYER.out`, `LAYER.W`).
  static func causeArrays(_ report: DiagnosisReport?) -> Set<String> {
    guard let report else { return [] }
    var names = Set(report.diagnosis.flatMap(\.arrays))
    if let first = report.firstWrong {
      names.formUnion(report.isolation?.first { $0.layer == first.layer }?.failing ?? [])
      names.formUnion(report.locations.map(\.array).filter { $0.hasPrefix(first.layer + ".") })
    }
    return names
  }

  /// `--isolate`'s verdicts for the page, as the text report words them; nil without it.
  static func isolation(_ report: DiagnosisReport?) -> HTMLIsolation? {
    guard let report, let verdicts = report.isolation else { return nil }
    func word(_ verdict: LayerVerdict.Verdict) -> String {
      switch verdict {
      case .pass: "ok"
      case .fail: "FAIL"
      case .unchecked: "unchecked"
      }
    }
    let rows = verdicts.map {
      HTMLIsolation.Row(
        layer: $0.layer, type: $0.type, forward: word($0.forward), backward: word($0.backward), failing: $0.failing)
    }
    let first =
      report.firstWrong.map { "first wrong by itself: \($0.layer) (\($0.direction))" } ?? "no layer is wrong by itself"
    return HTMLIsolation(rows: rows, firstWrong: first)
  }

  /// The kinds of mistake a case's diagnosis found, in its order, each once: `transposed, scaled`.
  public static func diagnosisKinds(_ diagnosis: [Diagnosis]?) -> String? {
    var kinds: [String] = []
    for entry in diagnosis ?? [] where !kinds.contains(entry.kind.rawValue) { kinds.append(entry.kind.rawValue) }
    return kinds.isEmpty ? nil : kinds.joined(separator: ", ")
  }

  /// The row (and, with `detail`, the section) of a case from its report.
  public static func htmlCase(_ entry: BatchCaseReport, detail: HTMLCaseDetail?) -> HTMLCase {
    HTMLCase(
      name: entry.name, status: entry.status.rawValue, message: entry.failureSummary,
      worstArray: entry.failingArrays.first?.name,
      diagnosis: diagnosisKinds(entry.run.diagnosis), detail: detail)
  }
}

/// How many bytes of PNG one page may hold in all (shared by a batch's workers): once spent,
/// further failing arrays are shown with their verdict and no pictures, so a batch of
/// thousands of failing cases still makes a page of a few megabytes.
public final class PictureBudget: Sendable {
  /// 8 MB (about 11 MB as base64 on the page).
  public static let defaultBytes = 8_000_000

  private let remaining: Mutex<Int>

  public init(bytes: Int = PictureBudget.defaultBytes) { remaining = Mutex(bytes) }

  public var isSpent: Bool { remaining.withLock { $0 <= 0 } }

  /// Takes `bytes` if that many are left and says whether it did.
  func spend(_ bytes: Int) -> Bool {
    remaining.withLock { left in
      guard bytes <= left else {
        left = 0
        return false
      }
      left -= bytes
      return true
    }
  }

  /// Gives back what a case's pictures took, when the case leaves the page.
  func refund(_ bytes: Int) { remaining.withLock { $0 += bytes } }
}
