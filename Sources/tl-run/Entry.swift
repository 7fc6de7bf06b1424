import ArgumentParser
import Foundation

/// The process entry: runs the command and maps every failure to pipeline.md §5's exit
/// statuses (argument errors are 2 here, not ArgumentParser's 64) with one line on stderr.
@main
enum Entry {
  static func main() {
    do {
      var command = try TLRun.parseAsRoot()
      try command.run()
    } catch let code as ExitCode {
      exit(code.rawValue)
    } catch {
      let code = TLRun.exitCode(for: error)
      if code == .success {
        print(TLRun.fullMessage(for: error))
        exit(0)
      }
      let message = TLRun.fullMessage(for: error)
      FileHandle.standardError.write(Data("tl-run: \(message)\n".utf8))
      exit(2)
    }
  }
}

/// Writes one line to stderr (progress, warnings); stdout is kept for reports.
func printError(_ line: String) {
  FileHandle.standardError.write(Data((line + "\n").utf8))
}
