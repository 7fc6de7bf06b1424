import Dispatch
import Synchronization
import TLArray
import TLSystem

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension ChunkPlan {
  /// Reads every chunk from the file with `pread` and decodes it on a worker thread, without
  /// libhdf5 or its lock: inflate, unshuffle, byte swap, then the chunk's part inside the
  /// dataset (edge chunks are partial) goes to its place in the C-order array. The result is
  /// the dataset, dtype and shape as the library would read it; a chunk that does not decode
  /// throws a ``ChunkError`` naming it. `workers` threads share the chunks (by default one
  /// per available processor, ``TLSystem/Processors/available``); the result does not depend
  /// on how many.
  public func read(workers: Int? = nil) throws -> NDArray {
    let byteCount = shape.reduce(dtype.itemSize, *)
    let storage = ArrayStorage(byteCount: byteCount)
    let descriptor = try openFile()
    defer { close(descriptor) }
    let placement = ChunkPlacement(shape: shape, chunkShape: chunkShape, itemSize: dtype.itemSize)
    let workers = max(1, min(workers ?? Processors.available, chunks.count))
    let largest = chunks.map(\.size).max() ?? 0
    let queue = ChunkQueue(count: chunks.count)
    Processors.concurrentPerform(iterations: workers) { _ in
      let scratch: Scratch
      do { scratch = try Scratch(storedBytes: largest, chunkBytes: chunkByteCount) } catch {
        return queue.fail(error, chunk: chunks[0].origin)
      }
      // Workers take the next chunk as they finish one, so a worker whose core is busy with
      // another process does not hold the others up.
      while let index = queue.next() {
        do {
          let decoded = try decode(chunks[index], descriptor, scratch)
          placement.copy(decoded, origin: chunks[index].origin, into: storage.base)
        } catch { queue.fail(error, chunk: chunks[index].origin) }
      }
    }
    if let (failure, origin) = queue.failure {
      let cause = (failure as? ChunkCodec.Failure)?.cause ?? "\(failure)"
      throw error("the chunk at \(origin) \(cause)")
    }
    return NDArray(dtype: dtype, shape: shape, storage: storage)
  }

  /// Decodes this plan's chunks one after another without placing them: throws what
  /// ``read(workers:)`` throws for a chunk that cannot be read or does not decode to exactly one
  /// chunk's bytes (``chunkByteCount``). For a reader that leaves the reading to libhdf5 but
  /// checks the chunks' sizes against the layout first; the plan's `shape` is not used.
  public func checkChunks() throws {
    let descriptor = try openFile()
    defer { close(descriptor) }
    let scratch = try Scratch(storedBytes: chunks.map(\.size).max() ?? 0, chunkBytes: chunkByteCount)
    for chunk in chunks {
      do { _ = try decode(chunk, descriptor, scratch) } catch {
        throw self.error("the chunk at \(chunk.origin) \((error as? ChunkCodec.Failure)?.cause ?? "\(error)")")
      }
    }
  }

  /// The file, opened to read chunks: non-blocking, so a FIFO put in the file's place since
  /// libhdf5 opened it cannot block, and refused unless it is a regular file.
  private func openFile() throws -> Int32 {
    let descriptor = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard descriptor >= 0 else {
      throw error("cannot open the file to read its chunks: \(errnoDescription())")
    }
    if let kind = FileStatus(descriptor: descriptor)?.kind, kind != .regular {
      close(descriptor)
      throw error("cannot read its chunks: the file \(kind.refusal(expected: "a regular file"))")
    }
    return descriptor
  }

  /// An error about this plan's file and dataset.
  private func error(_ cause: String) -> ChunkError {
    ChunkError(file: file, dataset: dataset, cause: cause)
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
        ChunkCodec.unshuffle(
          UnsafeRawBufferPointer(current), into: target, itemSize: dtype.itemSize)
      }
      current = target
    }
    guard current.count == chunkByteCount else { throw sizeFailure(current.count) }
    if swapsBytes { ChunkCodec.swapBytes(current, itemSize: dtype.itemSize) }
    return current
  }

  private func sizeFailure(_ count: Int) -> ChunkCodec.Failure {
    ChunkCodec.Failure(cause: "holds \(count) bytes where a chunk has \(chunkByteCount)")
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
        let reason = count == 0 ? "the file ends" : errnoDescription()
        throw ChunkCodec.Failure(
          cause: "cannot be read at byte \(offset + done) of the file: \(reason)")
      }
      done += count
    }
  }
}

/// One worker's buffers, the stored bytes of the largest chunk and two whole decoded chunks,
/// and its decompressor.
private final class Scratch {
  let stored: UnsafeMutableRawBufferPointer
  let first: UnsafeMutableRawBufferPointer
  let second: UnsafeMutableRawBufferPointer
  let inflater: ChunkCodec.Inflater

  init(storedBytes: Int, chunkBytes: Int) throws {
    inflater = try ChunkCodec.Inflater()
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

/// Hands out chunk indices to the workers, until all are taken or one worker failed; keeps the
/// first failure, with the chunk it concerned.
private final class ChunkQueue: Sendable {
  private struct State {
    var taken = 0
    var failure: (any Error, [Int])?
  }
  private let count: Int
  private let state = Mutex(State())

  init(count: Int) { self.count = count }

  /// The next chunk to decode, or nil when none is left or a worker failed.
  func next() -> Int? {
    state.withLock { state in
      guard state.taken < count, state.failure == nil else { return nil }
      state.taken += 1
      return state.taken - 1
    }
  }

  var failure: (any Error, [Int])? { state.withLock { $0.failure } }

  func fail(_ error: any Error, chunk origin: [Int]) {
    state.withLock { state in
      if state.failure == nil { state.failure = (error, origin) }
    }
  }
}
