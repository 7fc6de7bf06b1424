import CHDF5
import TLArray
import TLChunks
import TLSystem

extension HDF5 {
  /// Writes `array` as dataset `dataset` (`/group/x`) of `file`, creating the file and the
  /// groups on the way as needed and replacing a dataset of that path; gzip-compressed (with
  /// shuffle, in h5py's chunk shape) when `gzipLevel` (0…9) is given.
  ///
  /// An existing `file` keeps its other datasets, unless `replacingFile`: then the file is
  /// written anew and holds this one dataset only. Either way the new file is made under a
  /// temporary name and renamed over `file`.
  public static func write(
    _ array: NDArray, to file: String, dataset: String, gzipLevel: Int? = nil, replacingFile: Bool = false
  ) throws {
    try writeDatasets([(dataset, array)], to: file, gzipLevel: gzipLevel, replacingFile: replacingFile)
  }

  /// Writes `datasets` (each an absolute path in the file, `/embed/dW`, and its array) into
  /// `file`; otherwise as ``write(_:to:dataset:gzipLevel:replacingFile:)``: an existing file
  /// keeps its other datasets (merge) unless `replacingFile`, when it ends up holding exactly
  /// `datasets`. Which path an array gets is the caller's business (TLIO maps result names).
  public static func write(
    datasets: [(path: String, array: NDArray)], to file: String, gzipLevel: Int?, replacingFile: Bool = false
  ) throws {
    try writeDatasets(datasets, to: file, gzipLevel: gzipLevel, replacingFile: replacingFile)
  }

  /// Adds `items` to a copy of `file` (or, when it does not exist or `replacingFile`, to a new
  /// file) beside it, then puts it in place (``TLSystem/AtomicFile``). While it is being
  /// written the temporary file is registered with the crash guard (by
  /// ``TLSystem/AtomicFile/replace(_:expecting:copyingExisting:_:)``), so a crash inside
  /// libhdf5 removes it too.
  private static func writeDatasets(
    _ items: [(path: String, array: NDArray)], to file: String, gzipLevel: Int?, replacingFile: Bool
  ) throws {
    let context = HDF5Context(file: file)
    if let gzipLevel, !(0...9).contains(gzipLevel) {
      throw context.error("gzip level \(gzipLevel) is not in 0...9")
    }
    do {
      // AtomicFile refuses a target that is a directory or a FIFO before the body runs, so
      // that is reported as such even where libhdf5 cannot be loaded.
      try AtomicFile.replace(file, expecting: "an HDF5 file", copyingExisting: !replacingFile) { temporary, existed in
        try HDF5Library.load(for: file)
        try withLock(file: file) {
          let handle = try existed ? context.openFile(temporary, writable: true) : context.createFile(temporary)
          for item in items {
            var itemContext = context
            itemContext.dataset = item.path
            try itemContext.writeDataset(handle, HDF5Path.absolute(item.path), item.array, gzipLevel: gzipLevel)
          }
          try context.check(H5Fflush(handle.id, H5F_SCOPE_GLOBAL), "cannot flush the file")
        }
      }
    } catch let error as FileError {
      throw context.error(error.message)
    }
  }
}

extension HDF5Context {
  /// Creates a new, empty file at `path` (h5py's default format version: the earliest).
  func createFile(_ path: String) throws -> HDF5Handle {
    try own(
      H5Fcreate(path, tlh5_acc_excl(), tlh5_default(), tlh5_default()), .file,
      "cannot create the file")
  }

  /// Creates dataset `path` holding `array`, after removing a dataset of that path.
  func writeDataset(_ file: HDF5Handle, _ path: String, _ array: NDArray, gzipLevel: Int?) throws {
    try removeDataset(file, path)
    let fileType = try HDF5TypeMap.fileType(for: array.dtype, self)
    let memoryType = try HDF5TypeMap.memoryType(for: array.dtype, self)
    let space = try dataspace(for: array.shape)
    let linkProperties = try own(
      H5Pcreate(tlh5_link_create_class()), .propertyList, "cannot make link properties")
    try check(
      H5Pset_create_intermediate_group(linkProperties.id, 1), "cannot ask for intermediate groups")
    let creation = try creationProperties(array, gzipLevel: gzipLevel)
    let dataset = try own(
      H5Dcreate2(
        file.id, path, fileType.id, space.id, linkProperties.id, creation.id, tlh5_default()),
      .dataset, "cannot create the dataset")
    guard array.count > 0 else { return }
    try array.withUnsafeBytes { bytes in
      let status = H5Dwrite(
        dataset.id, memoryType.id, tlh5_select_all(), tlh5_select_all(), tlh5_default(),
        bytes.baseAddress)
      // libhdf5 writes contiguous data straight from the array: memory mapped from an input
      // truncated meanwhile fails its write(2) with EFAULT. Read here, it faults where the crash
      // guard names the input (exit status 2) instead of libhdf5's message about this file.
      if status < 0 { Memory.readEveryPage(bytes) }
      try check(status, "cannot write the data")
    }
  }

  /// Unlinks an existing dataset at `path`; refuses to replace a group, or to put a dataset
  /// under another dataset.
  private func removeDataset(_ file: HDF5Handle, _ path: String) throws {
    var prefix = ""
    let names = HDF5Path.components(path)
    for (depth, name) in names.enumerated() {
      prefix += "/" + name
      guard try linkExists(file, prefix) else { return }
      let type = try objectType(file, prefix)
      if depth < names.count - 1 {
        guard type == H5I_GROUP else {
          throw error("\(prefix) is a dataset, so it cannot hold \(path)")
        }
      } else {
        guard type == H5I_DATASET else { throw error("is a group; a dataset does not replace it") }
        try check(H5Ldelete(file.id, prefix, tlh5_default()), "cannot remove the existing dataset")
      }
    }
  }

  /// A scalar dataspace for shape `[]`, a simple one otherwise.
  private func dataspace(for shape: [Int]) throws -> HDF5Handle {
    let what = "cannot make the dataspace \(Shape.describe(shape))"
    guard !shape.isEmpty else { return try own(H5Screate(H5S_SCALAR), .dataspace, what) }
    let dims = shape.map { hsize_t($0) }
    return try own(H5Screate_simple(Int32(dims.count), dims, nil), .dataspace, what)
  }

  /// Contiguous layout, or chunks with shuffle and gzip when asked for and the array has
  /// elements along at least one axis (scalars and empty arrays cannot be chunked).
  private func creationProperties(_ array: NDArray, gzipLevel: Int?) throws -> HDF5Handle {
    let plist = try own(
      H5Pcreate(tlh5_dataset_create_class()), .propertyList, "cannot make dataset properties")
    guard let gzipLevel, !array.shape.isEmpty, array.count > 0 else { return plist }
    let chunks = ChunkShape.guess(for: array.shape, itemSize: array.dtype.itemSize).map { hsize_t($0) }
    try check(H5Pset_chunk(plist.id, Int32(chunks.count), chunks), "cannot set the chunk shape")
    try check(H5Pset_shuffle(plist.id), "cannot add the shuffle filter")
    try check(H5Pset_deflate(plist.id, UInt32(gzipLevel)), "cannot add the gzip filter")
    return plist
  }
}
