import CHDF5
import TLArray
import TLChunks

/// What a read finds under the library lock: the array the library read, or the chunks to
/// read and decode after the lock is released.
enum HDF5PendingRead {
  case array(NDArray)
  case chunks(ChunkPlan)

  /// The array, decoding the chunks first if need be; call it without holding the lock.
  func finish() throws -> NDArray {
    switch self {
    case .array(let array):
      return array
    case .chunks(let plan):
      do { return try plan.read() } catch let error as ChunkError {
        throw HDF5Error(file: error.file, dataset: error.dataset, cause: error.cause)
      }
    }
  }
}

extension HDF5Context {
  /// The whole dataset, in its own dtype, shape `[]` for a scalar; a chunked dataset that only
  /// deflate and shuffle compress comes back as a chunk plan when `useDirectChunks` is set.
  func prepareRead(_ file: HDF5Handle, _ dataset: HDF5Handle, useDirectChunks: Bool) throws
    -> HDF5PendingRead
  {
    let fileType = try own(H5Dget_type(dataset.id), .datatype, "cannot read the datatype")
    let classification = HDF5TypeMap.classify(fileType.id)
    guard let dtype = classification.dtype else {
      throw error(
        "holds non-numeric type '\(classification.description)'; only bool, integer and float datasets can be read"
      )
    }
    let shape = try shape(of: dataset)
    let layout = try storage(of: dataset)
    try checkFiltersAvailable(layout.filters)
    guard let byteCount = Shape.checkedByteCount(shape, itemSize: dtype.itemSize) else {
      throw error("shape \(Shape.describe(shape)) of \(dtype) is too large to hold in memory")
    }
    // Nothing is allocated before the sizes are checked against the file and the memory.
    try checkStorage(file, dataset, dtype: dtype, shape: shape, byteCount: byteCount, chunks: layout.chunks)
    if useDirectChunks, byteCount > 0,
      let plan = try chunkPlan(file, dataset, fileType: fileType, dtype: dtype, shape: shape)
    {
      return .chunks(plan)
    }
    if byteCount > 0, let chunkShape = layout.chunks {
      try checkStoredChunks(
        file, dataset, fileType: fileType, dtype: dtype, shape: shape, chunkShape: chunkShape,
        filters: layout.filters)
    }
    let storage = ArrayStorage(byteCount: byteCount)
    if byteCount > 0 {
      let memoryType = try HDF5TypeMap.memoryType(for: dtype, self)
      let status = H5Dread(
        dataset.id, memoryType.id, tlh5_select_all(), tlh5_select_all(), tlh5_default(),
        storage.base)
      try check(status, "cannot read the data")
    }
    return .array(NDArray(dtype: dtype, shape: shape, storage: storage))
  }
}
