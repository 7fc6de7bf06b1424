import CTLCrashGuard

/// Turns a crash inside libhdf5 on a corrupt file into tl-run's contract for a bad file: one
/// line on stderr naming it, exit status 2, never a signal (``install()``).
///
/// libhdf5 1.10.8 can dereference bad addresses or free bad pointers while it decodes a
/// corrupt file's metadata (H5Oopen → H5O_msg_read, H5F__accum_read, H5O_msg_reset), and
/// nothing short of re-implementing its decoder validates a file before the library reads
/// it. So every call into the library runs with the guard armed for the file the call
/// concerns (``HDF5/withLock(file:_:)``): a fatal signal on that thread, while it is inside the
/// lock, writes `tl-run: FILE: libhdf5 crashed reading this file (signal N); the file is
/// corrupt`, removes the temporary files of HDF5 writes in progress, and exits 2. A fatal
/// signal anywhere else is handed to the handler installed before (the Swift runtime's
/// backtracer, or the default action with its core dump), so tl-run's own bugs still crash
/// loudly.
public enum HDF5CrashGuard {
  /// Installs the signal handlers for the whole process; for the command line, at start.
  /// Without it the guard is never armed visibly: a library embedding TLHDF5 keeps its own
  /// signal handling. Returns false when the handlers could not be installed.
  @discardableResult
  public static func install() -> Bool {
    tlcg_install() == 0
  }

  /// With `--json`: a crash the guard reports (inside libhdf5, or a mapped input truncated
  /// during the run) also prints `json` on stdout, the command's JSON error object, with the
  /// report's line (less "tl-run: ") where `json` holds `placeholder`. False when `json` does
  /// not hold it once or is too long (1 KiB before or after it): nothing is set then.
  @discardableResult
  public static func reportAsJSON(_ json: String, placeholder: String) -> Bool {
    let parts = json.components(separatedBy: placeholder)
    guard parts.count == 2 else { return false }
    return tlcg_set_json_report(parts[0], parts[1]) == 0
  }

  /// Whether ``install()`` has succeeded in this process.
  public static var isInstalled: Bool { tlcg_installed() != 0 }

  /// The line a crash inside libhdf5 writes for `file` and `signal`.
  public static func message(file: String, signal: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: file.utf8.count + 256)
    let length = tlcg_format_message(file, signal, &buffer, buffer.count)
    return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// Arms the guard on this thread for `file`; called under the library lock.
  static func arm(_ file: String) { tlcg_arm(file) }

  /// Disarms it; called under the library lock.
  static func disarm() { tlcg_disarm() }
}
