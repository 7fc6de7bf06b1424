import ArgumentParser

/// `tl-run PIPELINE.json --batch DIR …`, the batch command's first spelling (docs/pipeline.md §5,
/// and the README's cluster scripts), kept as another way to write
/// `tl-run batch PIPELINE.json DIR …`.
///
/// The arguments are rewritten before ArgumentParser reads them, so both spellings are one
/// command with one set of options, one help and the same messages; the run command itself
/// declares no batch options.
enum BatchSpelling {
  /// The options only `tl-run batch` has: given to a run without `--batch`, they are a slip.
  static let batchOnlyOptions = ["--jobs", "--report", "--junit", "--shard", "--shard-count"]

  /// `arguments` (without the program's name) as the batch command reads them: `--batch DIR`
  /// (or `--batch=DIR`) is taken out, `batch` put first and DIR last, after `--` so that a
  /// name such as `-x` stays a directory. Unchanged when they name another subcommand or hold
  /// no `--batch` before a `--`.
  ///
  /// Throws, as the run command's own checks did, for a batch option without `--batch` and for
  /// `--case` with it.
  static func rewritten(_ arguments: [String], subcommands: [String]) throws(ValidationError) -> [String] {
    var rest = arguments[...]
    if rest.first == "run" {
      rest = rest.dropFirst()
    } else if let first = rest.first, subcommands.contains(first) {
      return arguments
    }
    var kept: [String] = []
    var directory: String?
    var found = false
    while let argument = rest.popFirst() {
      if argument == "--" {
        kept += [argument] + rest
        break
      }
      if argument.hasPrefix("--batch=") {
        found = true
        directory = String(argument.dropFirst("--batch=".count))
      } else if argument == "--batch" {
        found = true
        // As ArgumentParser reads an option's value: the next argument, unless it is an option.
        if let next = rest.first, !next.hasPrefix("-") { directory = rest.popFirst() }
      } else {
        kept.append(argument)
      }
    }
    let options = kept.prefix { $0 != "--" }
    guard found else {
      if let slip = options.lazy.compactMap(optionName).first(where: batchOnlyOptions.contains) {
        throw ValidationError("\(slip) needs --batch DIR")
      }
      return arguments
    }
    if options.contains(where: { optionName($0) == "--case" }) {
      throw ValidationError("--case and --batch exclude each other: in a batch every subdirectory is a case")
    }
    guard let directory else { return ["batch"] + kept }  // ArgumentParser says DIR is missing
    return ["batch"] + kept + (kept.contains("--") ? [] : ["--"]) + [directory]
  }

  /// `--jobs` of `--jobs` and of `--jobs=4`; nil for anything that is not a long option.
  private static func optionName(_ argument: String) -> String? {
    guard argument.hasPrefix("--") else { return nil }
    return String(argument.prefix { $0 != "=" })
  }
}
