import TLArray

/// A chunked dataset as its file stores it, compressed only with deflate and/or shuffle:
/// where each chunk lies, which filters to undo, and the array they make. A plain description
/// (TLHDF5 gathers it from libhdf5's chunk index under the library's lock), so the chunks are
/// read and decoded here on every core, without the library (``read(workers:)``).
public struct ChunkPlan: Sendable {
  /// A filter this module undoes.
  public enum Step: Sendable, Equatable { case shuffle, deflate }

  /// One stored chunk.
  public struct Chunk: Sendable, Equatable {
    /// The coordinates of the chunk's first element in the dataset.
    public let origin: [Int]
    /// Byte offset of the stored (filtered) chunk in the file, and its stored size.
    public let offset: Int
    public let size: Int
    /// Bit i set: pipeline step i was skipped when this chunk was written.
    public let filterMask: UInt32

    public init(origin: [Int], offset: Int, size: Int, filterMask: UInt32) {
      self.origin = origin
      self.offset = offset
      self.size = size
      self.filterMask = filterMask
    }
  }

  /// The file to read the chunks from, and the dataset's name in it, for messages.
  public let file: String
  public let dataset: String
  public let dtype: DType
  /// The dataset's shape and the chunks' shape, of one rank, no zero extent.
  public let shape: [Int]
  public let chunkShape: [Int]
  /// The filters in pipeline order (the order they were applied when writing).
  public let steps: [Step]
  /// The file stores elements in the other byte order than this machine.
  public let swapsBytes: Bool
  /// Every chunk of the grid, each stored (none reads as the fill value).
  public let chunks: [Chunk]

  public init(
    file: String, dataset: String, dtype: DType, shape: [Int], chunkShape: [Int], steps: [Step],
    swapsBytes: Bool, chunks: [Chunk]
  ) {
    precondition(!shape.isEmpty && shape.count == chunkShape.count, "chunk rank differs from the dataset's")
    self.file = file
    self.dataset = dataset
    self.dtype = dtype
    self.shape = shape
    self.chunkShape = chunkShape
    self.steps = steps
    self.swapsBytes = swapsBytes
    self.chunks = chunks
  }

  /// Bytes of one whole chunk, decoded.
  public var chunkByteCount: Int { chunkShape.reduce(dtype.itemSize, *) }

  /// Steps a C-order multi-index to the next position of `bounds` (wrapping to all zeros).
  public static func advance(_ index: inout [Int], within bounds: [Int]) {
    for axis in index.indices.reversed() {
      index[axis] += 1
      if index[axis] < bounds[axis] { return }
      index[axis] = 0
    }
  }
}

/// A chunk that could not be read or decoded: the file, the dataset and why, in one line
/// (`w.h5:/x: the chunk at [0, 64] is not valid zlib data (libdeflate: bad data or checksum)`).
public struct ChunkError: Error, CustomStringConvertible, Sendable, Equatable {
  public let file: String
  public let dataset: String
  public let cause: String

  public init(file: String, dataset: String, cause: String) {
    self.file = file
    self.dataset = dataset
    self.cause = cause
  }

  public var description: String { "\(file):\(dataset): \(cause)" }
}
