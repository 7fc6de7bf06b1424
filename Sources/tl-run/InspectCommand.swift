import ArgumentParser
import TLIO

/// `tl-run inspect FILE|SOURCE`: name, dtype, shape and summary statistics of every array.
struct InspectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect",
    abstract: "List the arrays in a file or directory with dtype, shape, min/max/mean and NaN/Inf counts.",
    discussion: """
      SOURCE may name one array: a.npy, a.npz:key, a.safetensors:name, a.h5:/group/dataset. A \
      file of another extension (.mat, .nc) is read as HDF5 when its signature says so. A \
      directory lists every .npy file in it, and its .npz, .safetensors and HDF5 files by name. Arrays that cannot be read are listed \
      too, with the reason; then the exit status is 2.
      """)

  @Argument(help: "A .npy, .npz, .safetensors or .h5 file, a directory of .npy files, or one array source.")
  var source: String

  @Flag(help: "Print the list as JSON on stdout (keys: source, arrays, unreadable, exit_status).")
  var json = false

  func run() throws {
    if json { JSONErrorReport.armCrashReport() }
    let location = ArrayLocation(parsing: source).recognizingHDF5()
    let entries: [InspectEntry]
    do {
      entries = try ArrayInspector.inspect(location)
    } catch  where json {
      print(JSONErrorReport(error: error).text)
      throw error
    }
    print(json ? InspectJSON(source: source, entries: entries).text : InspectTable.render(entries))
    let unreadable = entries.filter { $0.unreadable != nil }
    if let first = unreadable.first, let reason = first.unreadable {
      let count = unreadable.count == 1 ? "1 array" : "\(unreadable.count) arrays"
      printError("tl-run: \(location.path): \(count) unreadable, listed above (first: \(first.name): \(reason))")
      throw ExitCode(2)
    }
  }
}
