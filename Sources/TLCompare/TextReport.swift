import Foundation
import TLArray

extension ArrayComparison {
  /// The human report: one header line (`embed.dW  float32 (10, 3)  MISMATCH  …`), then for a
  /// mismatch the first mismatching elements, the largest differences and the tolerances.
  /// `nameWidth` pads the name so the lines of a collection line up.
  public func textLines(nameWidth: Int = 0) -> [String] {
    // Names come from files (npz members, HDF5 datasets): shown escaped, never raw.
    let shown = TerminalText.escaped(name)
    let paddedName = shown.padding(toLength: max(nameWidth, shown.count), withPad: " ", startingAt: 0)
    let described = [dtypeColumn, (expectedShape ?? shape).map(Shape.describe)]
    let head = ([paddedName] + [described.compactMap { $0 }.joined(separator: " ")]).joined(
      separator: "  ")
    switch status {
    case .pass:
      let diff = maxAbsDiff.map { ValueFormat.difference($0.value, dtype: displayDType) } ?? "0"
      return ["\(head)  ok  (max abs diff \(diff))"]
    case .mismatch:
      return ["\(head)  MISMATCH  \(mismatchSummary)"] + mismatchDetails
    case .shapeMismatch:
      return [
        "\(head)  SHAPE MISMATCH  actual \(sideDescription(dtype, shape)), expected \(sideDescription(expectedDType, expectedShape))"
      ]
    case .dtypeMismatch:
      let dtypes = "actual \(dtype?.rawValue ?? "?"), expected \(expectedDType?.rawValue ?? "?")"
      guard valuesStatus == .mismatch else {
        let diff = maxAbsDiff.map { ValueFormat.difference($0.value, dtype: displayDType) } ?? "0"
        return ["\(head)  DTYPE MISMATCH  \(dtypes); values within tolerance (max abs diff \(diff))"]
      }
      return ["\(head)  DTYPE MISMATCH  \(dtypes); values: \(mismatchSummary)"] + mismatchDetails
    case .missing:
      let hint = suggestion.map { "; did you mean \"\($0)\"?" } ?? ""
      return ["\(head)  MISSING  in the reference, not in the output\(hint)"]
    case .unchecked:
      return ["\(head)  unchecked  (no reference)"]
    }
  }

  /// ``textLines(nameWidth:)`` joined by newlines.
  public var textReport: String { textLines().joined(separator: "\n") }

  /// `Mismatched elements: 2 / 30 (6.67%)`, the percentage with three significant digits as NumPy prints it.
  var mismatchSummary: String {
    "Mismatched elements: \(mismatched) / \(total) (\(String(format: "%.3g", percent))%)"
  }

  private var mismatchDetails: [String] {
    let dtype = displayDType
    var lines = ["  first mismatches:"]
    for element in firstMismatches {
      lines.append(
        "    \(ValueFormat.index(element.index)): actual \(ValueFormat.string(element.actual, dtype: self.dtype ?? dtype)) expected \(ValueFormat.string(element.expected, dtype: dtype))"
      )
    }
    var facts: [String] = []
    if let maxAbsDiff { facts.append("max abs diff \(describe(maxAbsDiff))") }
    if let maxRelDiff { facts.append("max rel diff \(describe(maxRelDiff))") }
    lines.append("  " + facts.joined(separator: "; "))
    if let tolerance {
      let nan = tolerance.equalNaN ? "" : ", equal_nan false"
      let basis = tolerance.basis.map { " (\($0))" } ?? ""
      lines.append(
        "  tolerance: rtol \(ValueFormat.shortest(tolerance.rtol)) atol \(ValueFormat.shortest(tolerance.atol))\(nan)\(basis)"
      )
    }
    return lines
  }

  private func describe(_ extreme: Extreme) -> String {
    let value = ValueFormat.difference(extreme.value, dtype: displayDType)
    return extreme.index.map { "\(value) at \(ValueFormat.index($0))" } ?? value
  }

  private func sideDescription(_ dtype: DType?, _ shape: [Int]?) -> String {
    [dtype?.rawValue, shape.map(Shape.describe)].compactMap { $0 }.joined(separator: " ")
  }
}

extension CollectionComparison {
  /// `3 arrays compared: 2 passed, 1 failed, 1 unchecked`; for an empty reference, says that
  /// nothing was checked.
  public var summaryLine: String {
    if referenceIsEmpty {
      return "0 arrays compared: the reference holds no arrays, so nothing was checked (\(unchecked) unchecked)"
    }
    return
      "\(compared) \(compared == 1 ? "array" : "arrays") compared: \(passed) passed, \(failed) failed, \(unchecked) unchecked"
  }

  /// Every array's lines, names aligned, then ``summaryLine``.
  public var textReport: String {
    let width = arrays.map { TerminalText.escaped($0.name).count }.max() ?? 0
    return (arrays.flatMap { $0.textLines(nameWidth: width) } + [summaryLine]).joined(
      separator: "\n")
  }
}
