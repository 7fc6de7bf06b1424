internal import CTLCrashGuard
import TLArray
import TLSystem

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The data bytes of a large `.npy` input mapped from the file (`mmap`, `MAP_PRIVATE`) instead
/// of copied into fresh memory: the page cache's pages are the array's, so reading the file
/// costs neither the copy nor the clearing of new pages. In a VM whose host takes back the
/// memory a process frees (free page reporting), those new pages are the run's largest cost:
/// the language model's 66 MB of inputs took 30–70 ms to read there, against ~11 ms when the
/// memory was still the VM's.
///
/// Mapped only where a truncation cannot kill the process: the crash guard's handlers are
/// installed (the command line installs them at start; a library embedding TLFormats reads
/// with `pread`), and the mapping is registered with it (`tlcg_register_mapping`), so a SIGBUS
/// at an address inside it, on any thread, is reported as
/// `tl-run: FILE: file shrank or could not be read during the run (truncated by another process?)`
/// with exit status 2. Writable copy-on-write: a layer that updates its array in place (a
/// training step) gets private copies of the pages it writes, never the file's.
/// Not mapped (read instead): data under ``minimumBytes``, data not 64-byte aligned in the file,
/// bytes that need converting (another byte order, Fortran order), and when `mmap` fails.
enum MappedData {
  /// Data smaller than this is read: for a few pages, mapping saves nothing. Debug builds take
  /// another size from ``minimumVariable`` (the tests map the small files of their fixtures).
  static let minimumBytes: Int = {
    #if DEBUG
      if let value = getenv(minimumVariable), let bytes = Int(String(cString: value)), bytes > 0 { return bytes }
    #endif
    return 1 << 20
  }()

  /// For the tests, in debug builds only: the environment variable that sets ``minimumBytes``.
  static let minimumVariable = "TL_RUN_TEST_MAP_MINIMUM"

  /// For the tests of the guard, in debug builds only: the environment variable that makes
  /// ``map(_:offset:count:)`` place the data two pages past where the file's bytes are, so that
  /// its last two pages lie past the end of the file, as if the file had been truncated under
  /// the mapping. The file is not changed; a release build ignores it.
  static let pastEndVariable = "TL_RUN_TEST_MAP_PAST_END"
  #if DEBUG
    private static let pastEnd = getenv(pastEndVariable) != nil
  #else
    private static let pastEnd = false
  #endif

  /// The `count` data bytes at `offset` of `file`, mapped and registered with the crash guard;
  /// nil where they must be read instead (see the type's documentation).
  static func map(_ file: ReadableFile, offset: Int, count: Int) -> ArrayStorage? {
    guard tlcg_installed() != 0, count >= minimumBytes, offset % 64 == 0 else { return nil }
    let page = Memory.pageSize
    let start = offset / page * page
    let shift = pastEnd ? 2 * page : 0
    let length = offset - start + count + shift
    guard let raw = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE, file.descriptor, off_t(start)),
      raw != MAP_FAILED
    else { return nil }
    let slot = tlcg_register_mapping(raw, length, file.source.file)
    guard slot >= 0 else {
      munmap(raw, length)
      return nil
    }
    let address = Int(bitPattern: raw)
    return ArrayStorage(adopting: raw + (offset - start + shift), byteCount: count) { _, _ in
      tlcg_unregister_mapping(slot)
      munmap(UnsafeMutableRawPointer(bitPattern: address), length)
    }
  }
}
