import Foundation
import TLCompare
import TLIO
import TLPipeline
import TLReportHTML

/// `--html FILE`: checked before anything runs (``ReportPaths``), refused over the run's own
/// files, written atomically; a run that fails writes a page saying why.
public enum HTMLOutput {
  /// Fails now, not after the cases, when `path` is empty, an existing directory or other
  /// non-regular file, or its directory is missing or not writable.
  public static func checkWritable(_ path: String) throws(BatchError) {
    try BatchReportFile.checkWritable(path, option: "--html")
  }

  /// Fails now, before anything is loaded or computed, when `path` is a file the run of
  /// `files` (one per case) reads or writes (``RunFiles/conflict(_:)``).
  public static func checkConflicts(_ path: String, option: String = "--html", with files: [RunFiles])
    throws(BatchError)
  {
    for case let reason? in files.lazy.map({ $0.conflict(path) }) {
      throw BatchError("\(option) \(path): refusing to write over \(reason); choose another path")
    }
  }

  /// Writes `page` to `path`, unless `path` is (or lies in) one of `protected` (the pipeline,
  /// the inputs, weights and references the run read), both compared after resolving `.`, `..`
  /// and symbolic links.
  public static func write(_ page: HTMLPage, to path: String, protecting protected: [String]) throws(BatchError) {
    let target = ArrayIO.canonical(path)
    if protected.lazy.map(ArrayIO.canonical).contains(where: {
      target == $0 || target.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/")
    }) {
      throw BatchError("--html \(path): refusing to write over an input or reference")
    }
    do { try page.write(to: path) } catch {
      throw BatchError("--html \(path): cannot write the page: \(error)")
    }
  }

  /// After a run or batch that stopped with an error (exit 2): replaces the page at `path` by
  /// one stating `message`, so that CI never shows the previous run's page as this one's.
  /// Best effort (the error is what the user is told). Nothing is written when `path` failed
  /// its checks (``checkWritable(_:)``), is the pipeline or one of `files`' own files, or holds
  /// a file that is not an HTML page (when the pipeline could not be read, `files` is empty and
  /// only a missing file or an earlier page is replaced).
  public static func writeFailure(
    _ message: String, title: String, pipeline: String, to path: String, files: [RunFiles] = []
  ) {
    guard (try? checkWritable(path)) != nil, (try? checkConflicts(path, with: files)) != nil,
      RunFiles.canonicalTarget(path) != ArrayIO.canonical(pipeline), isPageOrAbsent(path)
    else { return }
    let lines = [
      "pipeline: \(pipeline)", "error (exit status 2): \(message)",
      "Nothing was compared: this page replaces the previous run's.",
    ]
    try? HTMLPage(title: title, lines: lines, cases: [], isBatch: false).write(to: path)
  }

  /// Whether nothing is at `path`, or an HTML page (it starts with `<!DOCTYPE html>`).
  static func isPageOrAbsent(_ path: String) -> Bool {
    guard FileManager.default.fileExists(atPath: path) else { return true }
    guard let handle = FileHandle(forReadingAtPath: path) else { return false }
    defer { try? handle.close() }
    let start = (try? handle.read(upToCount: 15)) ?? Data()
    return String(decoding: start, as: UTF8.self).lowercased() == "<!doctype html>"
  }
}

extension HTMLOutput {
  /// The page of one run (`tl-run PIPELINE --html FILE`): its case's section, every array
  /// pictured that fails, written unless `path` is one of the files the run read.
  public static func writeRun(_ result: CaseResult, spec: PipelineSpec, to path: String) throws(BatchError) {
    let detail = CasePage.detail(result, layouts: ArrayLayouts(spec), budget: PictureBudget())
    let report = RunReport(result)
    // The worst verdict, first in the file's order among equals (the report's order), not the
    // page's first section, which may be a diagnosed array.
    let failing = (result.comparison?.arrays ?? []).filter { $0.status.isFailure }.enumerated()
    let worst = failing.max { a, b in
      let (x, y) = (a.element.report.severity, b.element.report.severity)
      return x != y ? x < y : a.offset > b.offset
    }?.element.name
    let entry = HTMLCase(
      name: result.name, status: report.status, message: report.message ?? result.comparison?.summaryLine,
      worstArray: worst, diagnosis: CasePage.diagnosisKinds(result.diagnosis?.diagnosis), detail: detail)
    let lines = ["pipeline: \(spec.file)", "outputs: \(result.outputs)"]
    let page = HTMLPage(title: "tl-run: \(result.name)", lines: lines, cases: [entry], isBatch: false)
    try write(page, to: path, protecting: result.protectedPaths + [ArrayIO.canonical(spec.file)])
  }
}
