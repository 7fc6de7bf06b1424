import Foundation

/// Writes a file under a temporary name beside it and renames it into place, so a crash never
/// leaves a half-written file under the final name.
enum AtomicReplacement {
  /// Calls `body` with a temporary path in `path`'s directory (a copy of `path` when it exists
  /// and `copyingExisting`, so `body` can add to it; `existed` says whether it is a copy, else
  /// nothing is there yet), then renames it to `path`. On failure the temporary file is
  /// removed and `path` is untouched. While it exists the temporary file is registered with
  /// ``HDF5CrashGuard``, so a crash inside libhdf5 removes it too.
  static func write(
    to path: String, _ context: HDF5Context, copyingExisting: Bool = true,
    _ body: (_ temporary: String, _ existed: Bool) throws -> Void
  ) throws {
    let manager = FileManager.default
    let url = URL(fileURLWithPath: path)
    // `.NAME.tmp-PID-RANDOM`, the pattern of the .npy and .npz writers, so the next write of
    // NAME removes one a killed tl-run left (TLIO calls AtomicFile.removeStaleTemporaries).
    let temporary = url.deletingLastPathComponent()
      .appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
    var isDirectory: ObjCBool = false
    let existed = manager.fileExists(atPath: path, isDirectory: &isDirectory) && copyingExisting
    if isDirectory.boolValue { throw context.error("is a directory, not a file to write") }
    // A FIFO or device in its place is not copied (a FIFO blocks the copy) nor replaced.
    if manager.fileExists(atPath: path) { try context.checkRegularFile(path) }
    let slot = HDF5CrashGuard.registerTemporary(temporary)
    defer { HDF5CrashGuard.unregisterTemporary(slot) }
    do {
      if existed {
        do { try manager.copyItem(atPath: path, toPath: temporary) } catch {
          throw context.error(
            "cannot copy it to a temporary file beside it: \(error.localizedDescription)")
        }
      }
      try body(temporary, existed)
      guard rename(temporary, path) == 0 else {
        throw context.error(
          "cannot rename the temporary file into place: \(String(cString: strerror(errno)))")
      }
    } catch {
      try? manager.removeItem(atPath: temporary)
      throw error
    }
  }
}
