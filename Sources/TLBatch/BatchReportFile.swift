import Foundation
import TLPipeline
import TLSystem

/// Writing batch reports (JSON, JUnit XML) so that a crash never leaves half a report under
/// the final name, and checking before a long batch that they can be written at all.
public enum BatchReportFile {
  /// Fails now, not after an hour of cases, when `path` cannot take a report: it is empty, an
  /// existing directory, FIFO, device or socket (`/dev/null` included: a report is a file),
  /// or its directory does not exist or is not writable.
  public static func checkWritable(_ path: String, option: String) throws(BatchError) {
    guard !path.isEmpty else { throw BatchError("\(option): the path is empty") }
    if let kind = FileKind.of(path), kind != .regular {
      throw BatchError("\(option) \(path): \(kind.refusal(expected: "a file to write the report to"))")
    }
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw BatchError("\(option) \(path): the directory \(directory) does not exist")
    }
    guard FileManager.default.isWritableFile(atPath: directory) else {
      throw BatchError("\(option) \(path): the directory \(directory) is not writable")
    }
  }

  /// Fails when two report options of one command name the same file (after resolving `.`,
  /// `..` and symbolic links): the later write would replace the earlier report.
  public static func checkDistinct(_ reports: [(option: String, path: String)]) throws(BatchError) {
    var seen: [String: String] = [:]
    for (option, path) in reports {
      let target = RunFiles.canonicalTarget(path)
      if let other = seen[target] {
        throw BatchError("\(option) \(path): is also the \(other) file; give each report its own path")
      }
      seen[target] = option
    }
  }

  /// Writes `text` to a temporary file beside `path`, then renames it into place.
  public static func write(_ text: String, to path: String) throws(BatchError) {
    do { try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
      throw BatchError("\(path): cannot write the report: \(error.localizedDescription)")
    }
  }

  /// A decoding error in one line, with the JSON path where it happened.
  static func describe(_ error: any Error) -> String {
    guard let error = error as? DecodingError else { return "\(error)" }
    switch error {
    case .dataCorrupted(let context): return line(context, "invalid JSON")
    case .keyNotFound(let key, let context): return line(context, "missing key \"\(key.stringValue)\"")
    case .typeMismatch(let type, let context): return line(context, "expected \(type)")
    case .valueNotFound(let type, let context): return line(context, "expected \(type), found null")
    @unknown default: return "\(error)"
    }
  }

  private static func line(_ context: DecodingError.Context, _ what: String) -> String {
    let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    return path.isEmpty ? what : "\(path.hasPrefix(".") ? String(path.dropFirst()) : path): \(what)"
  }
}
