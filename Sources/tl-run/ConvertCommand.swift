import ArgumentParser
import TLIO

/// `tl-run convert SOURCE TARGET`: copy arrays between `.npy`, `.npz`, `.h5` and directories.
struct ConvertCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "convert",
    abstract: "Copy arrays between formats: .npy, .npz, .h5 (out.h5:/group/name for one dataset) or a directory.",
    discussion: """
      A single array source (a.npy, a.npz:key, a.h5:/d) converts to a .npy, an .npz member \
      named after the source, or an HDF5 dataset. A whole .npz, .h5 or directory converts to \
      another collection; dotted names become HDF5 groups (embed.dW → /embed/dW).
      """)

  @Argument(help: "The array source or collection to read.")
  var source: String

  @Argument(help: "The file or directory to write (never one of the inputs).")
  var target: String

  @Flag(help: "Deflate .npz members (np.savez_compressed) and gzip HDF5 datasets.")
  var compress = false

  func run() throws {
    let from = ArrayLocation(parsing: source)
    let to = ArrayLocation(parsing: target)
    let arrays = try ArrayIO.readAll(from)
    try ArrayIO.write(arrays, to: to, compress: compress, protecting: [from.path])
    print("wrote \(arrays.count) array\(arrays.count == 1 ? "" : "s") to \(to)")
  }
}
