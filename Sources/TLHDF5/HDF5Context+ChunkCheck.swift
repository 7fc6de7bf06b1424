import CHDF5
import TLArray
import TLChunks

extension HDF5Context {
  /// Before libhdf5 reads a chunked dataset itself (no ``chunkPlan(_:_:fileType:dtype:shape:)``,
  /// whose decoding checks every chunk): the first chunk the file stores must be exactly one
  /// chunk of the layout's shape `chunkShape`: as stored when the dataset is unfiltered, once
  /// inflated when only deflate and shuffle filter it (other filters are left to the library).
  /// libhdf5 1.10.8 trusts the layout: a chunk shape patched larger than the chunks stored
  /// made it copy past the end of a buffer (a heap overflow found by fuzzing), a smaller one
  /// read elements from the wrong places, with no error either way. Throws naming the chunk.
  func checkFirstChunk(
    _ file: HDF5Handle, _ dataset: HDF5Handle, fileType: HDF5Handle, dtype: DType, shape: [Int],
    chunkShape: [Int], filters: [HDF5Filter]
  ) throws {
    let itemSize = Int(H5Tget_size(fileType.id))
    guard itemSize > 0, let chunkBytes = Shape.checkedByteCount(chunkShape, itemSize: itemSize) else { return }
    let space = try own(H5Dget_space(dataset.id), .dataspace, "cannot read the dataspace")
    var allocated: hsize_t = 0
    try check(H5Dget_num_chunks(dataset.id, space.id, &allocated), "cannot count the chunks")
    guard allocated > 0 else { return }  // never written: every element is the fill value
    var offset = [hsize_t](repeating: 0, count: chunkShape.count)
    var mask: UInt32 = 0
    var address: haddr_t = 0
    var size: hsize_t = 0
    try check(
      H5Dget_chunk_info(dataset.id, space.id, 0, &offset, &mask, &address, &size), "cannot locate the first chunk")
    guard address != tlh5_haddr_undef(), let stored = Int(exactly: size), let start = Int(exactly: address) else {
      return
    }
    let origin = offset.map { Int(clamping: $0) }
    if filters.isEmpty {
      guard stored == chunkBytes else {
        throw error(
          "the chunk at \(origin) stores \(stored) bytes where a chunk of shape \(Shape.describe(chunkShape)) of \(itemSize)-byte elements holds \(chunkBytes); the file is corrupt"
        )
      }
      return
    }
    var steps: [ChunkPlan.Step] = []
    for filter in filters {
      switch Int32(filter.id) {
      case H5Z_FILTER_DEFLATE: steps.append(.deflate)
      case H5Z_FILTER_SHUFFLE: steps.append(.shuffle)
      default: return
      }
    }
    // The plan reads `stored` bytes at `start`: the chunk's address counts from the file's
    // start only without a user block (as in chunkPlan).
    guard itemSize == dtype.itemSize, !shape.isEmpty, shape.count == chunkShape.count, try userBlockSize(file) == 0
    else { return }
    let fileSize = try self.fileSize()
    guard stored <= fileSize, start <= fileSize - stored else {
      throw error(
        "the chunk at \(origin) would take bytes \(start) to \(start &+ stored) of a file of \(fileSize) bytes; the file is truncated or corrupt"
      )
    }
    let plan = ChunkPlan(
      file: self.file, dataset: self.dataset ?? "/", dtype: dtype, shape: shape, chunkShape: chunkShape,
      steps: steps, swapsBytes: false,
      chunks: [.init(origin: origin, offset: start, size: stored, filterMask: mask)])
    do { try plan.checkChunks() } catch let failure as ChunkError { throw error(failure.cause) }
  }
}
