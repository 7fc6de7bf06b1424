import Synchronization
import TLPipeline
import TLReportHTML

/// Collects, while a batch runs, what its `--html` page shows in detail: the sections of the
/// first ``limit`` failing cases in the batch's order (cases finish in any order, so a later
/// case's section is dropped when an earlier failing case arrives past the limit), and the
/// files every case read, which the page may not replace. Each case's arrays are turned into
/// pictures as it finishes and then let go, so memory stays bounded by the limit and the
/// ``PictureBudget``, not by the batch.
public final class BatchPage: Sendable {
  /// How many failing cases get a section by default.
  public static let defaultLimit = 50

  public let limit: Int
  private let layouts: ArrayLayouts
  private let budget: PictureBudget
  private struct State {
    var details: [Int: (name: String, detail: HTMLCaseDetail, bytes: Int)] = [:]
    var protected: Set<String> = []
  }
  private let state = Mutex(State())

  public init(_ spec: PipelineSpec, limit: Int = BatchPage.defaultLimit, budget: PictureBudget = PictureBudget()) {
    self.limit = limit
    self.layouts = ArrayLayouts(spec)
    self.budget = budget
  }

  /// Takes the results of case `name`, the `index`-th of the batch (from any worker thread).
  public func observe(_ index: Int, name: String, _ result: CaseResult) {
    let wanted = state.withLock { state in
      state.protected.formUnion(result.protectedPaths)
      return state.details.count < limit || state.details.keys.contains { $0 > index }
    }
    guard wanted, let comparison = result.comparison, !comparison.isPass else { return }
    let detail = CasePage.detail(result, layouts: layouts, budget: budget)
    let bytes = detail.failing.reduce(0) { $0 + ($1.pictures?.heatmaps.reduce(0) { $0 + $1.png.count } ?? 0) }
    let dropped: Int? = state.withLock { state in
      state.details[index] = (name, detail, bytes)
      guard state.details.count > limit, let last = state.details.keys.max() else { return nil }
      return state.details.removeValue(forKey: last)?.bytes
    }
    if let dropped { budget.refund(dropped) }
  }

  /// The page of `report`: a row per case, a section for each kept one (found by name).
  public func page(_ report: BatchReport, title: String, lines: [String]) -> HTMLPage {
    let details = state.withLock { state in
      Dictionary(state.details.values.map { ($0.name, $0.detail) }, uniquingKeysWith: { first, _ in first })
    }
    let cases = report.cases.map { entry in CasePage.htmlCase(entry, detail: details[entry.name]) }
    let failing = report.cases.count { $0.status == .mismatch }
    let note =
      failing > details.count
      ? "Detailed sections are shown for the first \(details.count) failing cases (at most \(limit)); the other \(failing - details.count) are in the table only."
      : nil
    return HTMLPage(title: title, lines: lines, cases: cases, isBatch: true, omissionNote: note)
  }

  /// The files the cases read, canonical.
  public var protectedPaths: [String] { state.withLock { $0.protected.sorted() } }

  /// The names of the cases with a section, for the JUnit report's links.
  public var sectionNames: Set<String> { state.withLock { Set($0.details.values.map(\.name)) } }
}
