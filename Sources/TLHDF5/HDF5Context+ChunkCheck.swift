import CHDF5
import TLArray
import TLChunks

extension HDF5Context {
  /// At most this many chunk positions are looked up by coordinate, to check a dataset's stored
  /// chunks (``checkStoredChunks(_:_:fileType:dtype:shape:chunkShape:filters:)``) or to plan
  /// its reading (``chunkPlan(_:_:fileType:dtype:shape:)``): 2048. libhdf5 1.10.8 looks a chunk
  /// up by coordinate by going through its whole index (a fixed array's whole grid), so a walk
  /// costs up to positions²: 16384 positions took 8–11 s, 65536 more than two minutes, 4096
  /// 0.9 s. Beyond it, only the first stored chunk is checked, and the library reads the data.
  static let chunkLookupPositions = 2048

  /// Before libhdf5 reads a chunked dataset itself (no ``chunkPlan(_:_:fileType:dtype:shape:)``,
  /// whose decoding checks every chunk): every chunk the file stores must be exactly one chunk
  /// of the layout's shape `chunkShape`: by its stored size when the dataset is unfiltered (and
  /// for a partial edge chunk that a filtered dataset stores unfiltered), once inflated when
  /// only deflate and shuffle filter it. Left to the library: other filters, filtered data
  /// after a user block, and file types whose size differs from the memory type's. libhdf5
  /// 1.10.8 sizes a chunk's buffer by what the chunk index says is stored and copies a whole
  /// layout chunk out of it: a chunk shape patched larger than the chunks stored (found by
  /// fuzzing), or one chunk stored or inflating short, made it copy past the end of the buffer
  /// (a heap overflow under `H5Dread`); a smaller shape read elements from the wrong places.
  /// Throws naming the chunk. In a grid of more than ``chunkLookupPositions`` positions, only
  /// the first stored chunk is checked, and named as the first. The lookup by coordinate is
  /// wrong for some extensible-array indexes (an unlimited dimension not the first): a filtered
  /// chunk it finds whose size `H5Dget_chunk_storage_size` does not confirm is left to the
  /// library, so that a valid file is never refused for it; such chunks are not checked.
  func checkStoredChunks(
    _ file: HDF5Handle, _ dataset: HDF5Handle, fileType: HDF5Handle, dtype: DType, shape: [Int],
    chunkShape: [Int], filters: [HDF5Filter]
  ) throws {
    let itemSize = Int(H5Tget_size(fileType.id))
    guard itemSize > 0, let chunkBytes = Shape.checkedByteCount(chunkShape, itemSize: itemSize),
      !shape.isEmpty, shape.count == chunkShape.count, shape.allSatisfy({ $0 > 0 })
    else { return }
    var steps: [ChunkPlan.Step] = []
    for filter in filters {
      switch Int32(filter.id) {
      case H5Z_FILTER_DEFLATE: steps.append(.deflate)
      case H5Z_FILTER_SHUFFLE: steps.append(.shuffle)
      default: return
      }
    }
    // A filtered chunk is decoded from `stored` bytes at its address, which counts from the
    // file's start only without a user block (as in chunkPlan).
    if !steps.isEmpty {
      guard itemSize == dtype.itemSize, try userBlockSize(file) == 0,
        chunkBytes <= HDF5Memory.limit / 3
      else { return }
    }
    // Partial edge chunks of a filtered dataset may be stored unfiltered (an option of newer
    // file formats that the chunk's filter mask does not record).
    var rawEdges = false
    if !steps.isEmpty { rawEdges = try !filtersPartialChunks(dataset) }
    let (chunks, named) = try storedChunks(dataset, shape: shape, chunkShape: chunkShape)
    var decoded: [ChunkPlan.Chunk] = []
    for chunk in chunks {
      let place = named ? "the chunk at \(chunk.origin)" : "the first stored chunk"
      let partial = zip(zip(chunk.origin, chunkShape), shape).contains { $0.0 + $0.1 > $1 }
      // A filtered chunk found by coordinate counts only once its size is confirmed.
      if !steps.isEmpty && named {
        var origin = chunk.origin.map { hsize_t($0) }
        var confirmed: hsize_t = 0
        let status = H5Dget_chunk_storage_size(dataset.id, &origin, &confirmed)
        _ = HDF5ErrorStack.take()
        guard status >= 0, confirmed == hsize_t(chunk.size) else { continue }
      }
      // Unfiltered, or a partial edge chunk stored unfiltered (named only when located).
      if steps.isEmpty || (rawEdges && named && partial)
        || (rawEdges && !named && chunk.size == chunkBytes)
      {
        guard chunk.size == chunkBytes else {
          throw error(
            "\(place) stores \(chunk.size) bytes where a chunk of shape \(Shape.describe(chunkShape)) of \(itemSize)-byte elements holds \(chunkBytes); the file is corrupt"
          )
        }
        continue
      }
      guard chunk.size <= Self.largestChunk else {
        throw error("\(place) stores \(chunk.size) bytes, more than the 4 GiB libhdf5 writes; the file is corrupt")
      }
      decoded.append(chunk)
    }
    guard !decoded.isEmpty else { return }
    let fileSize = try self.fileSize()
    for chunk in decoded where chunk.size > fileSize || chunk.offset > fileSize - chunk.size {
      throw error(
        "\(named ? "the chunk at \(chunk.origin)" : "the first stored chunk") would take bytes \(chunk.offset) to \(chunk.offset &+ chunk.size) of a file of \(fileSize) bytes; the file is truncated or corrupt"
      )
    }
    let plan = ChunkPlan(
      file: self.file, dataset: self.dataset ?? "/", dtype: dtype, shape: shape, chunkShape: chunkShape,
      steps: steps, swapsBytes: false, chunks: decoded)
    do { try plan.checkChunks() } catch let failure as ChunkError {
      throw error(named ? failure.cause : failure.cause.replacingFirstChunkOrigin())
    }
  }

  /// The chunks the file stores (an address the index gives; a size of 0 included), each with
  /// the origin it was looked up at, and true; or, for a grid of more than
  /// ``chunkLookupPositions`` positions, only the first chunk of the index, whose origin
  /// libhdf5 1.10.8 may report wrongly (an extensible-array index), and false.
  func storedChunks(_ dataset: HDF5Handle, shape: [Int], chunkShape: [Int]) throws
    -> (chunks: [ChunkPlan.Chunk], named: Bool)
  {
    let space = try own(H5Dget_space(dataset.id), .dataspace, "cannot read the dataspace")
    var allocated: hsize_t = 0
    try check(H5Dget_num_chunks(dataset.id, space.id, &allocated), "cannot count the chunks")
    guard allocated > 0 else { return ([], true) }  // never written: all the fill value
    let grid = zip(shape, chunkShape).map { ($0 + $1 - 1) / $1 }
    var total = 1
    for extent in grid {
      let (product, overflow) = total.multipliedReportingOverflow(by: extent)
      total = overflow ? Int.max : product
    }
    var offset = [hsize_t](repeating: 0, count: chunkShape.count)
    var mask: UInt32 = 0
    var address: haddr_t = 0
    var size: hsize_t = 0
    guard total <= Self.chunkLookupPositions else {
      try check(
        H5Dget_chunk_info(dataset.id, space.id, 0, &offset, &mask, &address, &size), "cannot locate the first chunk")
      guard address != tlh5_haddr_undef(), let start = Int(exactly: address) else { return ([], false) }
      let chunk = ChunkPlan.Chunk(
        origin: [Int](repeating: 0, count: chunkShape.count), offset: start, size: Int(clamping: size),
        filterMask: mask)
      return ([chunk], false)
    }
    var chunks: [ChunkPlan.Chunk] = []
    var position = [Int](repeating: 0, count: grid.count)
    for _ in 0..<total {
      let origin = zip(position, chunkShape).map { $0 * $1 }
      offset = origin.map { hsize_t($0) }
      try check(
        H5Dget_chunk_info_by_coord(dataset.id, &offset, &mask, &address, &size),
        "cannot locate the chunk at \(origin)")
      if address != tlh5_haddr_undef(), let start = Int(exactly: address) {
        chunks.append(.init(origin: origin, offset: start, size: Int(clamping: size), filterMask: mask))
      }
      ChunkPlan.advance(&position, within: grid)
    }
    return (chunks, true)
  }
}

extension String {
  /// A chunk plan's message about its chunk at the all-zero origin, about "the first stored
  /// chunk" instead (whose real origin is not known).
  fileprivate func replacingFirstChunkOrigin() -> String {
    guard hasPrefix("the chunk at ["), let end = firstIndex(of: "]") else { return self }
    return "the first stored chunk" + self[index(after: end)...]
  }
}
