import CHDF5
import TLArray

extension HDF5 {
  /// The whole dataset `dataset` (`/group/x`) of `file` in its own dtype and shape (`[]` for
  /// a scalar, `[0]` for h5py.Empty). Throws for a missing, truncated or non-HDF5 file, a path
  /// that does not exist (naming the deepest group that does), a group, a non-numeric type or
  /// a filter this libhdf5 lacks. A chunked dataset compressed only with deflate and/or
  /// shuffle, every chunk stored, is decoded on every core by ``TLChunks`` rather than by the
  /// library (a ``TLChunks/ChunkPlan`` built from the library's chunk index), to exactly the
  /// bytes the library reads. `file` and `dataset` come parsed: the array-source syntax
  /// (`file.h5:/group/dataset`) is TLIO's.
  public static func read(file: String, dataset: String) throws -> NDArray {
    try read(file: file, dataset: dataset, useDirectChunks: true)
  }

  /// ``read(file:dataset:)``, where `useDirectChunks` false makes the library read every
  /// dataset, even those whose chunks this module can decode itself (tests compare the two).
  static func read(file: String, dataset: String, useDirectChunks: Bool) throws -> NDArray {
    let array = try pendingRead(file: file, dataset: dataset, useDirectChunks: useDirectChunks)
      .finish()
    if array.dtype == .bool { try checkBoolBytes(array, file: file, dataset: dataset) }
    return array
  }

  /// The part of a read done under the library lock: the array itself, or the chunks to decode.
  static func pendingRead(file: String, dataset: String, useDirectChunks: Bool) throws
    -> HDF5PendingRead
  {
    try loadLibrary(toRead: file)
    return try withLock(file: file) {
      // Errors about the file as a whole name no dataset.
      let handle = try HDF5Context(file: file).openFile()
      let context = HDF5Context(file: file, dataset: dataset)
      return try context.prepareRead(
        handle, try context.openDataset(handle, dataset), useDirectChunks: useDirectChunks)
    }
  }

  /// A Swift `Bool` must be 0 or 1; an enum value outside FALSE/TRUE converts to all ones.
  private static func checkBoolBytes(_ array: NDArray, file: String, dataset: String) throws {
    let invalid = array.withUnsafeBytes { bytes in bytes.firstIndex(where: { $0 > 1 }) }
    if let invalid {
      throw HDF5Error(
        file: file, dataset: dataset, cause: "bool element \(invalid) is neither FALSE nor TRUE")
    }
  }

  /// Every dataset in `file`, by full path in sorted order, as h5py reaches it by name
  /// (`f["soft_b"]` reads through a soft link, `f["ext"]` through an external link). Each name
  /// a link gives a dataset is listed: a dataset hard-linked twice, or soft-linked, appears
  /// under each name (h5py's `visititems` shows each object once, under one name). A link that
  /// leads nowhere (dangling soft link, missing external file or object), an external link to
  /// a group or a user-defined link throws naming the link: it could hide an array. A group
  /// is walked once, under its first name (a soft link to a group or a second hard link adds
  /// no names, its datasets are listed under the first; a group linked into itself ends the
  /// walk). Attributes and named datatypes are not datasets and are never listed. Datasets of
  /// types tl-run cannot read (strings, compounds) are listed, with `dtype` nil.
  public static func datasets(in file: String) throws -> [HDF5DatasetInfo] {
    try loadLibrary(toRead: file)
    return try withLock(file: file) {
      let context = HDF5Context(file: file)
      let handle = try context.openFile()
      var visitedGroups: Set<haddr_t> = []
      return try context.datasetPaths(handle, group: "/", visited: &visitedGroups).sorted()
        .map { dataset in try context.info(handle, dataset) }
    }
  }

  /// The metadata of one dataset, with the same errors as ``read(file:dataset:)``.
  public static func datasetInfo(file: String, dataset: String) throws -> HDF5DatasetInfo {
    try loadLibrary(toRead: file)
    return try withLock(file: file) {
      let context = HDF5Context(file: file)
      return try context.info(try context.openFile(), dataset)
    }
  }

  /// Loads libhdf5 for reading `file`, once `file` is known to be a regular file: a missing
  /// file, a directory or a FIFO is reported as such (``HDF5Context/checkRegularFile(_:)``) on a
  /// machine without libhdf5 too, not as a library that cannot be loaded. The library checks
  /// again when it opens the file (``HDF5Context/openFile(_:writable:)``).
  private static func loadLibrary(toRead file: String) throws {
    try HDF5Context(file: file).checkRegularFile(file)
    try HDF5Library.load(for: file)
  }
}
