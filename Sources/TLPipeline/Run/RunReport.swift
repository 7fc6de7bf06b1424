import Foundation
import TLCompare
import TLDiagnosis

/// The JSON form of one case's run (`tl-run PIPELINE.json --json`), also one entry of a batch
/// report: the case, where its results went, and the comparison if there was a reference.
public struct RunReport: Encodable, Sendable {
  public var name: String
  /// `pass`, `mismatch` or `error`; `pass` also when the pipeline names no reference, and
  /// `mismatch` when it names an empty one (nothing was checked).
  public var status: String
  public var message: String?
  public var outputs: String?
  public var written: [String]
  public var comparison: CollectionReport?
  /// The mistakes that explain the failing arrays (docs/pipeline.md §7); absent when none fits.
  public var diagnosis: [Diagnosis]?
  /// Under `--isolate`: every layer's verdict, judged by itself.
  public var isolation: [LayerVerdict]?
  /// Under `--isolate`: the first layer wrong by itself and the direction; absent when none is.
  public var firstWrong: FirstWrong?
  /// ``CaseResult/notes``; absent when there are none.
  public var notes: [String]?

  enum CodingKeys: String, CodingKey {
    case name, status, message, outputs, written, comparison, diagnosis, isolation, notes
    case firstWrong = "first_wrong"
  }

  public init(_ result: CaseResult) {
    name = result.name
    status = (result.comparison?.isPass ?? true) ? "pass" : "mismatch"
    if status == "mismatch", let comparison = result.comparison {
      // The worst failing array first, as the batch's line for the case shows it.
      let worst = comparison.report.arrays.filter { $0.status.isFailure }.max { $0.severity < $1.severity }
      message = ([worst?.failureText].compactMap { $0 } + [comparison.summaryLine]).joined(separator: "; ")
    }
    outputs = result.outputs.description
    written = result.results.map(\.name)
    comparison = result.comparison?.report
    notes = result.notes.isEmpty ? nil : result.notes
    if let found = result.diagnosis {
      diagnosis = found.diagnosis.isEmpty ? nil : found.diagnosis
      isolation = found.isolation
      firstWrong = found.firstWrong
      for location in found.locations {
        guard let index = comparison?.arrays.firstIndex(where: { $0.name == location.array }) else { continue }
        comparison?.arrays[index].step = location.step
        comparison?.arrays[index].gates = location.gates
      }
    }
  }

  public init(name: String, error: any Error) {
    self.name = name
    status = "error"
    message = "\(error)"
    written = []
  }

  /// Pretty-printed JSON with sorted keys.
  public var json: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(self) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
  }
}
