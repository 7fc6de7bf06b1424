import Foundation
import TLIO
import TLPipeline
import TLReportHTML

/// `--html FILE`: checked before anything runs, refused over the run's inputs and references,
/// written atomically.
public enum HTMLOutput {
  /// Fails now, not after the cases, when `path`'s directory is missing or not writable.
  public static func checkWritable(_ path: String) throws(BatchError) {
    try BatchReportFile.checkWritable(path, option: "--html")
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
}

extension HTMLOutput {
  /// The page of one run (`tl-run PIPELINE --html FILE`): its case's section, every array
  /// pictured that fails, written unless `path` is one of the files the run read.
  public static func writeRun(_ result: CaseResult, spec: PipelineSpec, to path: String) throws(BatchError) {
    let detail = CasePage.detail(result, layouts: ArrayLayouts(spec), budget: PictureBudget())
    let report = RunReport(result)
    let worst = detail.failing.first?.comparison.name
    let entry = HTMLCase(
      name: result.name, status: report.status, message: report.message ?? result.comparison?.summaryLine,
      worstArray: worst, detail: detail)
    let lines = ["pipeline: \(spec.file)", "outputs: \(result.outputs)"]
    let page = HTMLPage(title: "tl-run: \(result.name)", lines: lines, cases: [entry], isBatch: false)
    try write(page, to: path, protecting: result.protectedPaths + [ArrayIO.canonical(spec.file)])
  }
}
