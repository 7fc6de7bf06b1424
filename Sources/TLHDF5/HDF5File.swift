import CHDF5
import TLArray

/// An HDF5 file open for reading: its datasets as ``TLArray/NDArray``s of their own dtype, and
/// what `inspect` shows about them. Writing goes through
/// ``writeCollection(_:to:gzipLevel:)``, which replaces the file atomically.
///
/// Safe to share between threads: every call into libhdf5 holds one process-wide lock.
public final class HDF5File: @unchecked Sendable {
  /// How a file is opened; writes never modify an open file in place.
  public enum Mode: Sendable { case readOnly }

  /// The path as given, which every error names.
  public let path: String
  private let handle: HDF5Handle

  /// Opens `path`; throws for a missing, truncated or non-HDF5 file.
  public init(path: String, mode: Mode = .readOnly) throws {
    self.path = path
    handle = try HDF5.withLock { try HDF5Context(file: path).openFile() }
  }

  /// Reads the dataset an array source `file.h5:/group/dataset` names (split at the last `:/`).
  public static func read(_ source: String) throws -> NDArray {
    guard let (file, dataset) = HDF5Path.split(source) else {
      throw HDF5Error(file: source, cause: "is not an HDF5 array source of the form file.h5:/group/dataset")
    }
    return try HDF5File(path: file).read(dataset: dataset)
  }

  /// The whole dataset at `dataset` (`/group/x`) in its own dtype and shape (`[]` for a scalar,
  /// `[0]` for h5py.Empty); throws naming the deepest existing group for a path that does not
  /// exist, and refusing groups and non-numeric types.
  public func read(dataset: String) throws -> NDArray {
    try HDF5.withLock {
      let context = HDF5Context(file: path, dataset: dataset)
      return try context.readArray(try context.openDataset(handle, dataset))
    }
  }

  /// Every dataset in the file, by full path in sorted order. Attributes are not datasets and
  /// are never listed. Only hard links are followed, so no dataset is listed twice through a
  /// soft link and a group linked into itself ends the walk.
  public func datasets() throws -> [HDF5DatasetInfo] {
    try HDF5.withLock {
      let context = HDF5Context(file: path)
      var visitedGroups: Set<haddr_t> = []
      return try context.datasetPaths(handle, group: "/", visited: &visitedGroups).sorted()
        .map { dataset in try context.info(handle, dataset) }
    }
  }

  /// The metadata of one dataset, with the same errors as ``read(dataset:)``.
  public func info(dataset: String) throws -> HDF5DatasetInfo {
    try HDF5.withLock { try HDF5Context(file: path).info(handle, dataset) }
  }

  /// The linked libhdf5's version, `1.10.8`.
  public static var libraryVersion: String { HDF5.libraryVersion }
}
