import CTLDeflate
import Foundation
import TLArray
import TLTestSupport
import Testing

@testable import TLChunks

/// A chunk plan is a plain description: chunks written by hand (shuffled, deflated by
/// libdeflate's compressor, or stored as they are, per the filter mask) into a file of no
/// format at all decode to the array, on one worker or many.
@Suite struct ChunkPlanTests {
  /// A 5×3 float32 array in 2×2 chunks: a 3×2 grid whose last row and column are partial.
  let shape = [5, 3]
  let chunkShape = [2, 2]
  var values: [Float] { (0..<15).map { Float($0) * 1.5 - 4 } }

  /// The whole chunk at `origin`, edge chunks padded with NaN (which must never be copied).
  func chunkElements(_ origin: [Int]) -> [Float] {
    var out: [Float] = []
    for r in origin[0]..<origin[0] + 2 {
      for c in origin[1]..<origin[1] + 2 {
        out.append(r < shape[0] && c < shape[1] ? values[r * shape[1] + c] : .nan)
      }
    }
    return out
  }

  func shuffled(_ bytes: [UInt8], itemSize: Int) -> [UInt8] {
    let count = bytes.count / itemSize
    return (0..<itemSize).flatMap { byte in (0..<count).map { bytes[$0 * itemSize + byte] } }
  }

  func deflated(_ bytes: [UInt8]) throws -> [UInt8] {
    let compressor = try #require(libdeflate_alloc_compressor(6))
    defer { libdeflate_free_compressor(compressor) }
    var out = [UInt8](repeating: 0, count: libdeflate_zlib_compress_bound(compressor, bytes.count))
    let size = bytes.withUnsafeBytes { input in
      out.withUnsafeMutableBytes { output in
        libdeflate_zlib_compress(compressor, input.baseAddress, input.count, output.baseAddress, output.count)
      }
    }
    return Array(out.prefix(size))
  }

  /// Writes the chunks (masks cycling through "both filters", "no shuffle", "no deflate",
  /// "neither") into one file and returns its plan.
  func writePlan(in directory: URL) throws -> ChunkPlan {
    let file = directory.appendingPathComponent("chunks.bin").path
    var data = [UInt8](repeating: 0xEE, count: 7)  // chunks need not start at 0
    var chunks: [ChunkPlan.Chunk] = []
    var position = [0, 0]
    for index in 0..<6 {
      let origin = zip(position, chunkShape).map(*)
      let raw = chunkElements(origin).withUnsafeBytes { [UInt8]($0) }
      let mask = UInt32(index % 4)
      var stored = mask & 1 == 0 ? shuffled(raw, itemSize: 4) : raw
      if mask & 2 == 0 { stored = try deflated(stored) }
      chunks.append(ChunkPlan.Chunk(origin: origin, offset: data.count, size: stored.count, filterMask: mask))
      data += stored
      ChunkPlan.advance(&position, within: [3, 2])
    }
    try Data(data).write(to: URL(fileURLWithPath: file))
    return ChunkPlan(
      file: file, dataset: "/x", dtype: .float32, shape: shape, chunkShape: chunkShape,
      steps: [.shuffle, .deflate], swapsBytes: false, chunks: chunks)
  }

  @Test(arguments: [1, 2, 8])
  func handWrittenChunksDecode(workers: Int) throws {
    let directory = try Fixtures.temporaryDirectory("chunks")
    defer { try? FileManager.default.removeItem(at: directory) }
    let plan = try writePlan(in: directory)
    let array = try plan.read(workers: workers)
    #expect(array == NDArray(shape: shape, scalars: values))
  }

  /// A chunk whose bytes are not a zlib stream throws naming the file, dataset and chunk.
  @Test func aCorruptChunkIsNamed() throws {
    let directory = try Fixtures.temporaryDirectory("chunks")
    defer { try? FileManager.default.removeItem(at: directory) }
    let plan = try writePlan(in: directory)
    let first = try #require(plan.chunks.first)
    let handle = try #require(FileHandle(forWritingAtPath: plan.file))
    try handle.seek(toOffset: UInt64(first.offset))
    try handle.write(contentsOf: Data(repeating: 0xA5, count: first.size))
    try handle.close()
    #expect(
      throws: ChunkError(
        file: plan.file, dataset: "/x",
        cause: "the chunk at [0, 0] is not valid zlib data (libdeflate: bad data or checksum)")
    ) { try plan.read() }
  }

  @Test func unshuffleRestoresElementsAndKeepsTheTail() {
    let elements: [UInt8] = [1, 2, 3, 10, 20, 30, 99]  // two 3-byte elements and a stray byte
    let planes: [UInt8] = [1, 10, 2, 20, 3, 30, 99]
    var out = [UInt8](repeating: 0, count: planes.count)
    planes.withUnsafeBytes { source in
      out.withUnsafeMutableBytes { ChunkCodec.unshuffle(source, into: $0, itemSize: 3) }
    }
    #expect(out == elements)
  }
}
