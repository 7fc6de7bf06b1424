import CHDF5

/// libhdf5 itself, which the process loads on first use rather than at start-up (`CHDF5` dlopens
/// it): a run that reads and writes only `.npy`/`.npz` never loads it nor its ~30 dependencies.
///
/// Each public entry point of ``HDF5`` calls ``load(for:)`` before it calls the library, after
/// the checks that need none (the file is a regular file; a write's target is no directory or
/// FIFO), so a missing or mismatched library is an ``HDF5Error`` naming the file, never a crash,
/// and a missing file is reported as missing whether or not libhdf5 can be loaded. The library is the
/// one `TL_HDF5_LIBRARY` names when that environment variable is set (a path or soname, for
/// tests and unusual installations), else the soname of the serial libhdf5 the headers belong to
/// (`libhdf5_serial.so.103` for 1.10 on Debian).
enum HDF5Library {
  /// Whether libhdf5 is loaded in this process.
  static var isLoaded: Bool { tlh5_is_loaded() != 0 }

  /// Loads libhdf5 unless it is loaded (thread-safe; a failure is remembered and thrown again).
  /// Throws an ``HDF5Error`` about `file`, `libhdf5 could not be loaded: …` with the loader's
  /// reason (`libhdf5_serial.so.103: cannot open shared object file: No such file or
  /// directory`, a missing symbol, or another version than the headers').
  static func load(for file: String) throws {
    guard tlh5_load() != 0 else { return }
    throw HDF5Error(file: file, cause: "libhdf5 could not be loaded: \(String(cString: tlh5_load_failure()))")
  }
}
