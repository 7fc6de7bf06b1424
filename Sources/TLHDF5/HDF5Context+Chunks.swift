import CHDF5
import TLArray
import TLChunks

extension HDF5Context {
  /// The filters a plan can undo, by libhdf5 filter id.
  private static let planSteps: [H5Z_filter_t: ChunkPlan.Step] = [
    H5Z_filter_t(H5Z_FILTER_DEFLATE): .deflate, H5Z_filter_t(H5Z_FILTER_SHUFFLE): .shuffle,
  ]

  /// The chunk plan of `dataset` (of file `file`, element type `dtype`, dataset shape
  /// `shape`), or nil when the library must read it: not chunked, empty, a filter other than
  /// deflate and shuffle, a file type that is not the memory type up to byte order, a user
  /// block before the HDF5 data, unfiltered partial edge chunks, any unallocated chunk
  /// (which reads as the fill value, a case left to the library), or a grid of more than
  /// ``chunkLookupPositions`` chunks (whose lookups would cost more than the library's read).
  func chunkPlan(
    _ file: HDF5Handle, _ dataset: HDF5Handle, fileType: HDF5Handle, dtype: DType, shape: [Int]
  ) throws -> ChunkPlan? {
    let storage = try storage(of: dataset)
    guard let chunkShape = storage.chunks, chunkShape.count == shape.count, !shape.isEmpty,
      shape.allSatisfy({ $0 > 0 }), chunkShape.allSatisfy({ $0 > 0 })
    else { return nil }
    var steps: [ChunkPlan.Step] = []
    for filter in storage.filters {
      guard let step = Self.planSteps[filter.id] else { return nil }
      // The shuffle filter records the element size it was applied with.
      if step == .shuffle, filter.parameters.first.map(Int.init) != dtype.itemSize { return nil }
      steps.append(step)
    }
    guard let swapsBytes = try byteOrderDiffers(fileType, dtype),
      try userBlockSize(file) == 0, try filtersPartialChunks(dataset)
    else { return nil }
    guard let chunks = try chunkLocations(dataset, shape: shape, chunkShape: chunkShape) else {
      return nil
    }
    return ChunkPlan(
      file: self.file, dataset: self.dataset ?? "/", dtype: dtype, shape: shape,
      chunkShape: chunkShape, steps: steps, swapsBytes: swapsBytes, chunks: chunks)
  }

  /// False when the file type is the memory type, true when it is the memory type in the
  /// other byte order, nil when it differs otherwise (padding, precision: the library
  /// converts those).
  private func byteOrderDiffers(_ fileType: HDF5Handle, _ dtype: DType) throws -> Bool? {
    let memoryType = try HDF5TypeMap.memoryType(for: dtype, self)
    if try check(H5Tequal(fileType.id, memoryType.id), "cannot compare types") > 0 { return false }
    guard dtype.itemSize > 1 else { return nil }
    let swapped = H5Tget_order(memoryType.id) == H5T_ORDER_LE ? H5T_ORDER_BE : H5T_ORDER_LE
    try check(H5Tset_order(memoryType.id, swapped), "cannot make the swapped type")
    return try check(H5Tequal(fileType.id, memoryType.id), "cannot compare types") > 0 ? true : nil
  }

  /// False when partial edge chunks are stored unfiltered (an option of newer file formats
  /// that the filter mask does not record).
  func filtersPartialChunks(_ dataset: HDF5Handle) throws -> Bool {
    let plist = try own(
      H5Dget_create_plist(dataset.id), .propertyList, "cannot read the creation properties")
    var options: UInt32 = 0
    try check(H5Pget_chunk_opts(plist.id, &options), "cannot read the chunk options")
    return options & H5D_CHUNK_DONT_FILTER_PARTIAL_CHUNKS == 0
  }

  /// Every chunk of the grid, in C order of its position, or nil when one is not allocated.
  private func chunkLocations(_ dataset: HDF5Handle, shape: [Int], chunkShape: [Int]) throws
    -> [ChunkPlan.Chunk]?
  {
    // Fewer chunks stored than the grid has: some read as the fill value (the library's case).
    // Asked first, so a grid is not walked for nothing.
    let total = zip(shape, chunkShape).reduce(1) { $0 * (($1.0 + $1.1 - 1) / $1.1) }
    let space = try own(H5Dget_space(dataset.id), .dataspace, "cannot read the dataspace")
    var allocated: hsize_t = 0
    try check(H5Dget_num_chunks(dataset.id, space.id, &allocated), "cannot count the chunks")
    guard allocated == hsize_t(total) else { return nil }
    // Looked up by coordinate only in a small enough grid (storedChunks).
    let (stored, located) = try storedChunks(dataset, shape: shape, chunkShape: chunkShape)
    guard located, stored.count == total, stored.allSatisfy({ $0.size > 0 }) else { return nil }
    let fileSize = try self.fileSize()
    for chunk in stored where chunk.size > fileSize || chunk.offset > fileSize - chunk.size {
      throw error(
        "the chunk at \(chunk.origin) would take bytes \(chunk.offset) to \(chunk.offset &+ chunk.size) of a file of \(fileSize) bytes; the file is truncated or corrupt"
      )
    }
    return stored
  }
}
