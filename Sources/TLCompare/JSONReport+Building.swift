import Foundation
import TLArray

extension ArrayComparison {
  /// This result as a JSON report entry, values spelled as in ``textLines(nameWidth:)``.
  public var report: ArrayReport {
    let shown = displayDType
    let valuesCompared = valuesStatus != nil
    let extreme = { (e: Extreme) in
      ArrayReport.Extreme(
        value: JSONScalar(reportText: ValueFormat.difference(e.value, dtype: shown)), index: e.index
      )
    }
    return ArrayReport(
      name: name, status: status, dtype: dtype?.rawValue, shape: shape,
      expectedDType: expectedDType?.rawValue, expectedShape: expectedShape,
      mismatched: valuesCompared ? mismatched : nil, total: valuesCompared ? total : nil,
      percent: valuesCompared ? percent : nil,
      firstMismatches: valuesCompared
        ? firstMismatches.map {
          ArrayReport.Mismatch(
            index: $0.index,
            actual: JSONScalar(reportText: ValueFormat.string($0.actual, dtype: dtype ?? shown)),
            expected: JSONScalar(reportText: ValueFormat.string($0.expected, dtype: shown)))
        } : nil,
      maxAbsDiff: maxAbsDiff.map(extreme), maxRelDiff: maxRelDiff.map(extreme),
      rtol: tolerance.map { JSONScalar(reportText: $0.rtol.description) },
      atol: tolerance.map { JSONScalar(reportText: $0.atol.description) },
      equalNaN: tolerance?.equalNaN, checkDType: tolerance?.checkDType, toleranceBasis: tolerance?.basis,
      didYouMean: suggestion, valuesStatus: valuesStatus)
  }
}

extension CollectionComparison {
  /// The collection as a JSON report.
  public var report: CollectionReport {
    CollectionReport(
      arrays: arrays.map(\.report), compared: compared, passed: passed, failed: failed,
      unchecked: unchecked, exitStatus: exitStatus, nothingChecked: referenceIsEmpty ? true : nil)
  }

  /// The JSON report encoded with sorted keys (stable for diffs and golden files).
  public func jsonData(prettyPrinted: Bool = true) -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting =
      prettyPrinted ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
    do {
      return try encoder.encode(report)
    } catch {
      // Every float in a report is a JSONScalar, finite or spelled as a string, so nothing is
      // left that JSONEncoder refuses.
      preconditionFailure("a comparison report could not be encoded: \(error)")
    }
  }

  /// The JSON report as text, pretty-printed with sorted keys, for `--json`.
  public var jsonReport: String { String(decoding: jsonData(), as: UTF8.self) }
}
