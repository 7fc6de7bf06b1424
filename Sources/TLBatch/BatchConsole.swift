import Foundation
import Synchronization

/// What a batch shows while it runs: one line per case on stdout as it finishes, then the
/// summary; a progress line on stderr only when stderr is a terminal (never in logs or pipes).
public final class BatchConsole: Sendable {
  private let total: Int
  private let nameWidth: Int
  private let showProgress: Bool
  private let writeOut: @Sendable (String) -> Void
  private let writeErr: @Sendable (String) -> Void
  /// The cases finished so far, by status; held while a line is written, so lines never mix.
  private let counts = Mutex<[BatchStatus: Int]>([:])

  /// - Parameters:
  ///   - cases: the cases about to run, for the count and to line their names up.
  ///   - progress: nil decides by `isatty(2)`.
  ///   - writeOut, writeErr: where text goes (stdout and stderr unless a test captures it).
  public init(
    cases: [BatchCase], progress: Bool? = nil,
    writeOut: @escaping @Sendable (String) -> Void = BatchConsole.standardOutput,
    writeErr: @escaping @Sendable (String) -> Void = BatchConsole.standardError
  ) {
    total = cases.count
    nameWidth = cases.map(\.name.count).max() ?? 0
    showProgress = progress ?? (isatty(STDERR_FILENO) == 1)
    self.writeOut = writeOut
    self.writeErr = writeErr
  }

  /// Prints the case's line (the progress line is cleared first and drawn again after).
  public func finished(_ report: BatchCaseReport) {
    counts.withLock { counts in
      counts[report.status, default: 0] += 1
      if showProgress { writeErr("\r\u{1B}[K") }
      writeOut(report.line(nameWidth: nameWidth) + "\n")
      if showProgress { writeErr(progressLine(counts)) }
    }
  }

  /// Clears the progress line and prints the summary.
  public func summary(_ line: String) {
    counts.withLock { _ in
      if showProgress { writeErr("\r\u{1B}[K") }
      writeOut(line + "\n")
    }
  }

  private func progressLine(_ counts: [BatchStatus: Int]) -> String {
    let done = counts.values.reduce(0, +)
    let width = String(total).count
    let padded = String(repeating: " ", count: max(0, width - String(done).count)) + String(done)
    return
      "[\(padded)/\(total)] \(counts[.pass, default: 0]) passed, \(counts[.mismatch, default: 0]) mismatched, \(counts[.error, default: 0]) errors"
  }

  /// Writes to stdout unbuffered, so each line shows as its case finishes even in a pipe.
  public static let standardOutput: @Sendable (String) -> Void = { text in
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  public static let standardError: @Sendable (String) -> Void = { text in
    FileHandle.standardError.write(Data(text.utf8))
  }
}
