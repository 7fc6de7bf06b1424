import CHDF5
import Foundation

/// Reads and writes ``TLArray/NDArray``s as HDF5 datasets through libhdf5, and lists a file's
/// datasets for `inspect`.
///
/// Every call into the library goes through ``withLock(file:_:)``: one process-wide lock (only some
/// libhdf5 builds are thread-safe), and the place that switches off the library's own error
/// printing on whichever thread is calling, so its messages reach the user only inside
/// ``HDF5Error``s, and the place that arms ``HDF5CrashGuard`` for the file a call concerns.
/// Reading and inflating the chunks of a deflate/shuffle dataset happens after the lock is
/// released, on worker threads (``TLChunks``), from chunk locations gathered under it.
public enum HDF5 {
  /// Recursive, because a handle may be released (and closed) while the lock is held, and
  /// library calls nest (a read asks for ``libraryVersion`` for a message). Foundation's
  /// rather than `Synchronization.Mutex`, the lock of the other modules: a `Mutex` is not
  /// recursive, and a thread taking it twice deadlocks.
  private static let lock = NSRecursiveLock()

  /// The file the crash guard is armed for; only read and written holding `lock`.
  nonisolated(unsafe) private static var guardedFile: String?

  /// Runs `body` holding the library lock, with automatic error printing off on this thread
  /// and the crash guard armed for `file` (nil: the file of an enclosing call, if any). `body`
  /// calls the library only once it is loaded (``HDF5Library/load(for:)``, which every public
  /// entry point calls before the lock); the lock alone needs no library (tests spawn processes
  /// under it).
  static func withLock<R>(file: String? = nil, _ body: () throws -> R) rethrows -> R {
    lock.lock()
    let outer = guardedFile
    let current = file ?? outer
    if let current, current != outer { HDF5CrashGuard.arm(current) }
    guardedFile = current
    defer {
      guardedFile = outer
      if let outer {
        if outer != current { HDF5CrashGuard.arm(outer) }
      } else if current != nil {
        HDF5CrashGuard.disarm()
      }
      lock.unlock()
    }
    // Printing is per thread: without this a worker thread writes `HDF5-DIAG` blocks to stderr.
    if HDF5Library.isLoaded { H5Eset_auto2(tlh5_error_default(), nil, nil) }
    return try body()
  }

  /// The loaded libhdf5's version, `1.10.8` (loading it if need be; `unknown` when it cannot be).
  public static var libraryVersion: String {
    do { try HDF5Library.load(for: "libhdf5") } catch { return "unknown" }
    return withLock {
      var major: UInt32 = 0
      var minor: UInt32 = 0
      var release: UInt32 = 0
      guard H5get_libversion(&major, &minor, &release) >= 0 else { return "unknown" }
      return "\(major).\(minor).\(release)"
    }
  }
}
