import Foundation
import TLArray

extension HDF5ChunkPlan {
  /// Reads every chunk from the file with `pread` and decodes it on a worker thread (one per
  /// core), without the library or its lock: inflate, unshuffle, byte swap, then the chunk's
  /// part inside the dataset (edge chunks are partial) goes to its place in the C-order array.
  /// The result is the dataset, dtype and shape as the library would read it.
  func read() throws -> NDArray {
    let byteCount = shape.reduce(dtype.itemSize, *)
    let storage = ArrayStorage(byteCount: byteCount)
    let descriptor = open(file, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      throw error("cannot open the file to read its chunks: \(String(cString: strerror(errno)))")
    }
    defer { close(descriptor) }
    let placement = ChunkPlacement(shape: shape, chunkShape: chunkShape, itemSize: dtype.itemSize)
    let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, chunks.count))
    let largest = chunks.map(\.size).max() ?? 0
    let failures = FirstFailure()
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      let scratch: Scratch
      do { scratch = try Scratch(storedBytes: largest, chunkBytes: chunkByteCount) } catch {
        return failures.record(error, chunk: chunks[worker].origin)
      }
      for index in stride(from: worker, to: chunks.count, by: workers) {
        guard !failures.happened else { return }
        do {
          let decoded = try decode(chunks[index], descriptor, scratch)
          placement.copy(decoded, origin: chunks[index].origin, into: storage.base)
        } catch { failures.record(error, chunk: chunks[index].origin) }
      }
    }
    if let (failure, origin) = failures.first {
      let cause = (failure as? HDF5ChunkCodec.Failure)?.cause ?? "\(failure)"
      throw error("the chunk at \(origin) \(cause)")
    }
    return NDArray(dtype: dtype, shape: shape, storage: storage)
  }

  /// An error about this plan's file and dataset.
  private func error(_ cause: String) -> HDF5Error {
    HDF5Error(file: file, dataset: dataset, cause: cause)
  }

  /// The decoded bytes of one whole chunk, in one of `scratch`'s buffers. Pipeline steps run
  /// backwards, skipping those the chunk's filter mask says were skipped when writing.
  private func decode(_ chunk: Chunk, _ descriptor: Int32, _ scratch: Scratch) throws
    -> UnsafeMutableRawBufferPointer
  {
    var current = UnsafeMutableRawBufferPointer(rebasing: scratch.stored[0..<chunk.size])
    try readFully(descriptor, into: current, at: chunk.offset)
    // Each step writes the decoded buffer it did not just read: first, second, first, …
    var next = 0
    for (index, step) in steps.enumerated().reversed() where chunk.filterMask >> index & 1 == 0 {
      let target = next == 0 ? scratch.first : scratch.second
      next ^= 1
      switch step {
      case .deflate:
        try scratch.inflater.inflate(UnsafeRawBufferPointer(current), into: target)
      case .shuffle:
        guard current.count == target.count else { throw sizeFailure(current.count) }
        HDF5ChunkCodec.unshuffle(
          UnsafeRawBufferPointer(current), into: target, itemSize: dtype.itemSize)
      }
      current = target
    }
    guard current.count == chunkByteCount else { throw sizeFailure(current.count) }
    if swapsBytes { HDF5ChunkCodec.swapBytes(current, itemSize: dtype.itemSize) }
    return current
  }

  private func sizeFailure(_ count: Int) -> HDF5ChunkCodec.Failure {
    HDF5ChunkCodec.Failure(cause: "holds \(count) bytes where a chunk has \(chunkByteCount)")
  }

  /// Fills `buffer` from the file at `offset`, or throws when the file ends first.
  private func readFully(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int)
    throws
  {
    var done = 0
    while done < buffer.count {
      guard let base = buffer.baseAddress else { return }
      let count = pread(descriptor, base + done, buffer.count - done, off_t(offset + done))
      if count < 0 && errno == EINTR { continue }
      guard count > 0 else {
        let reason = count == 0 ? "the file ends" : String(cString: strerror(errno))
        throw HDF5ChunkCodec.Failure(
          cause: "cannot be read at byte \(offset + done) of the file: \(reason)")
      }
      done += count
    }
  }
}

/// One worker's buffers, the stored bytes of the largest chunk and two whole decoded chunks,
/// and its inflate stream.
private final class Scratch {
  let stored: UnsafeMutableRawBufferPointer
  let first: UnsafeMutableRawBufferPointer
  let second: UnsafeMutableRawBufferPointer
  let inflater: HDF5ChunkCodec.Inflater

  init(storedBytes: Int, chunkBytes: Int) throws {
    inflater = try HDF5ChunkCodec.Inflater()
    stored = .allocate(byteCount: max(storedBytes, 1), alignment: 64)
    first = .allocate(byteCount: chunkBytes, alignment: 64)
    second = .allocate(byteCount: chunkBytes, alignment: 64)
  }

  deinit {
    stored.deallocate()
    first.deallocate()
    second.deallocate()
  }
}

/// The first failure any worker met, with the chunk it concerned; later ones are dropped.
private final class FirstFailure: @unchecked Sendable {
  private let lock = NSLock()
  private var failure: (any Error, [Int])?

  var happened: Bool { lock.withLock { failure != nil } }
  var first: (any Error, [Int])? { lock.withLock { failure } }

  func record(_ error: any Error, chunk origin: [Int]) {
    lock.withLock { if failure == nil { failure = (error, origin) } }
  }
}
