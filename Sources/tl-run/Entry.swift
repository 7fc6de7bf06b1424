import ArgumentParser
import Foundation
import TLArray
import TLHDF5
import TLPipeline

/// The process entry: runs the command and maps every failure to docs/pipeline.md §5's exit
/// statuses (argument errors are 2 here, not ArgumentParser's 64) with one line on stderr.
@main
enum Entry {
  static func main() {
    // OpenBLAS's kernel choice sets an environment variable: now, while this is the only thread.
    IdleCompute.chooseKernels()
    // A crash inside libhdf5 on a corrupt file becomes one line and exit 2 (README: hostile files).
    HDF5CrashGuard.install()
    refuseMisspeltSubcommand()
    var command: any ParsableCommand
    do {
      // `tl-run PIPELINE --batch DIR …` is read as `tl-run batch PIPELINE DIR …`.
      let arguments = try BatchSpelling.rewritten(
        Array(CommandLine.arguments.dropFirst()), subcommands: subcommandNames)
      command = try TLRun.parseAsRoot(arguments)
    } catch {
      let code = TLRun.exitCode(for: error)
      if code == .success {
        print(TLRun.fullMessage(for: error))
        exit(0)
      }
      // ArgumentParser's message and usage are ours, several lines: each is escaped on its own.
      printErrorLines(TLRun.fullMessage(for: error))
      exit(2)
    }
    // OpenBLAS's workers spin for ~0.1 s after start-up: stopped now, they start again at the
    // first threaded product (running pipelines, one or a batch, is all that multiplies
    // matrices).
    IdleCompute.release()
    do {
      try command.run()
    } catch let code as ExitCode {
      exit(code.rawValue)
    } catch {
      switch TLRun.exitCode(for: error) {
      case .success:  // --help reaches here when a default subcommand is involved
        print(TLRun.fullMessage(for: error))
        exit(0)
      case .validationFailure:
        printErrorLines(TLRun.fullMessage(for: error))
      default:
        // Our errors describe themselves in one line that names the file and the fault.
        printError("tl-run: \(error)")
      }
      exit(2)
    }
  }
}

/// `tl-run inspcet x`: the first argument is neither a file nor a subcommand but is close to
/// one, so it is a misspelt subcommand, not a pipeline path. Says so and exits 2.
func refuseMisspeltSubcommand() {
  let arguments = CommandLine.arguments.dropFirst()
  guard let first = arguments.first, !first.hasPrefix("-"), !FileManager.default.fileExists(atPath: first) else {
    return
  }
  guard !subcommandNames.contains(first), let near = NameSuggestion.nearest(to: first, among: subcommandNames) else {
    return
  }
  printError("tl-run: unknown command '\(first)' (did you mean '\(near)'?); see 'tl-run --help'")
  exit(2)
}

/// The names `tl-run` takes as its first argument for a subcommand, `help` included.
let subcommandNames = TLRun.configuration.subcommands.map { $0.configuration.commandName ?? "" } + ["help"]

/// Writes one line to stderr (errors, progress); stdout is kept for reports. Messages quote
/// file names, member names and header text, so every control character in `line` (newlines
/// included) is escaped: a file can neither drive the terminal nor break the line in two. A
/// line longer than ``maxLineLength`` characters keeps its start and end with `…` between.
func printError(_ line: String) {
  FileHandle.standardError.write(Data((shortened(TerminalText.escaped(line)) + "\n").utf8))
}

/// Writes lines to stderr, each escaped as ``printError(_:)`` does (a multi-line report).
func printErrorLines(_ text: String) {
  for line in text.split(separator: "\n", omittingEmptySubsequences: false) { printError(String(line)) }
}

/// The longest error line printed whole.
let maxLineLength = 2000

func shortened(_ line: String) -> String {
  guard line.count > maxLineLength else { return line }
  return "\(line.prefix(maxLineLength * 3 / 4)) … \(line.suffix(maxLineLength / 4))"
}
