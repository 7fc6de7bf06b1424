import ArgumentParser
import Foundation
import TLIO

/// `tl-run convert SOURCE TARGET`: copy arrays between `.npy`, `.npz`, `.h5` and directories.
struct ConvertCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "convert",
    abstract:
      "Copy arrays between formats: .npy, .npz, .safetensors, .h5 (out.h5:/group/name for one dataset) or a directory.",
    discussion: """
      A single array source (a.npy, a.npz:key, a.h5:/d) converts to a .npy, an .npz member \
      named after the source, a .safetensors tensor, or an HDF5 dataset. A whole .npz, \
      .safetensors, .h5 or directory converts to another collection; dotted names become HDF5 \
      groups (embed.dW → /embed/dW). HDF5 files of other extensions (.mat, .nc) are read by \
      their signature, never written.

      An existing target is never emptied silently. Converting into an existing directory, \
      .npz, .safetensors or .h5 (or an .npz member, a tensor, an HDF5 dataset) merges: arrays of \
      the same name are replaced, every other array stays (an .npz keeps its other members' \
      bytes, a .safetensors its other tensors' bytes and its metadata). With --replace the \
      target holds exactly the converted arrays afterwards: an .npz, .safetensors or .h5 is \
      written anew, and the other .npy files of a directory are removed (other files in it \
      stay). A .npy target is always replaced. Every file is written under a temporary name \
      and renamed into place.

      TARGET is \(ArrayLocation.targetForms). Any other extension is an error, not a new \
      directory. A SOURCE that holds no arrays is an error and leaves the target as it was.
      """)

  @Argument(help: "The array source or collection to read.")
  var source: String

  @Argument(help: "The file or directory to write (never one of the inputs).")
  var target: String

  @Flag(help: "Deflate .npz members (np.savez_compressed) and gzip HDF5 datasets (.safetensors has no compression).")
  var compress = false

  @Flag(help: "Replace the whole target with exactly the converted arrays (default: merge into it).")
  var replace = false

  func run() throws {
    let from = ArrayLocation(parsing: source).recognizingHDF5()
    let to = try ArrayLocation(target: target)
    let arrays = try ArrayIO.readAll(from)
    // Nothing to convert is a mistake (a directory of subdirectories, an archive of other
    // files), and with --replace it would empty the target.
    guard !arrays.isEmpty else {
      throw ArrayIOError(path: from.path, "holds no arrays; nothing to convert (the target is unchanged)")
    }
    var isDirectory: ObjCBool = false
    let existingFile =
      FileManager.default.fileExists(atPath: to.path, isDirectory: &isDirectory) && !isDirectory.boolValue
    do {
      try ArrayIO.write(
        arrays, to: to, compress: compress, protecting: [from.path], mode: replace ? .replace : .merge)
    } catch  where existingFile && !replace && !(error is ArrayIOError) {
      // A merge that cannot read the existing .npz or .h5 (a damaged member), which is
      // replaced whole or not at all: say how to start anew.
      throw HintedError(error, "the target is unchanged; --replace writes it anew with only the converted arrays")
    }
    print("wrote \(arrays.count) array\(arrays.count == 1 ? "" : "s") to \(to)")
  }
}

/// An error with what the user can do about it, in the same one line.
struct HintedError: Error, CustomStringConvertible {
  var error: any Error
  var hint: String
  init(_ error: any Error, _ hint: String) {
    self.error = error
    self.hint = hint
  }
  var description: String { "\(error); \(hint)" }
}
