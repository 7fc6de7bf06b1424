import Foundation
import TLArray
import TLChunks
import TLFormats
import TLTestSupport
import Testing

@testable import TLHDF5

/// A dataset of a fixture file and whether the module decodes its chunks itself.
struct ChunkedFixture: CustomTestStringConvertible, Sendable {
  let file: String
  let path: String
  let direct: Bool
  var testDescription: String { "\(file):\(path)" }

  /// h5py's read of it, saved with NumPy; data.h5's twins live under h5/npy.
  var twin: String {
    let name = path.dropFirst().replacingOccurrences(of: "/", with: "__")
    let stem = (file as NSString).deletingPathExtension
    return file == "data.h5" ? "h5/npy/\(name).npy" : "h5/chunked_npy/\(stem)__\(name).npy"
  }
}

/// The chunked datasets of data.h5 (from h5py's listing; lzf is no libhdf5 filter), all of
/// which the module decodes itself.
private func dataFileChunked() throws -> [ChunkedFixture] {
  struct Entry: Decodable {
    let path: String
    let chunks: [Int]?
    let filters: [String]
  }
  let json = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("h5/data_listing.json")))
  return try JSONDecoder().decode([Entry].self, from: json)
    .filter { $0.chunks != nil && !$0.filters.contains("lzf") }
    .map { ChunkedFixture(file: "data.h5", path: $0.path, direct: true) }
}

/// chunked.h5 and chunked_v110.h5 (testdata/gen_hdf5.py): edge chunks, every item size, both
/// byte orders, filter masks, the newer chunk indexes; fletcher32 and unallocated chunks are
/// left to the library.
private let chunkedFileFixtures: [ChunkedFixture] =
  [
    "bool", "chunk_past_data", "edges_3d_i16", "edges_f64", "float16", "gzip_i64_be",
    "gzip_shuffle_f32_be", "masked", "shuffle_only_u32_be", "uint8",
  ].map { ChunkedFixture(file: "chunked.h5", path: "/\($0)", direct: true) }
  + ["fletcher32", "unallocated"].map {
    ChunkedFixture(file: "chunked.h5", path: "/\($0)", direct: false)
  }
  + ["btree_v2", "extensible_array", "fixed_array", "single_chunk"].map {
    ChunkedFixture(file: "chunked_v110.h5", path: "/\($0)", direct: true)
  }

/// Whether the read of `path` in `file` decodes chunks itself.
private func decodesDirectly(_ file: String, _ path: String) throws -> Bool {
  if case .chunks = try HDF5.pendingRead(file: file, dataset: path, useDirectChunks: true) {
    return true
  }
  return false
}

/// Decoding the chunks directly gives exactly the library's bytes, dtype and shape, and what
/// h5py read; datasets outside the fast path go to the library.
@Test(arguments: try dataFileChunked() + chunkedFileFixtures)
func directChunksMatchTheLibrary(fixture: ChunkedFixture) throws {
  let file = Fixtures.path("h5/\(fixture.file)")
  #expect(try decodesDirectly(file, fixture.path) == fixture.direct)
  let direct = try HDF5.read(file: file, dataset: fixture.path, useDirectChunks: true)
  let library = try HDF5.read(file: file, dataset: fixture.path, useDirectChunks: false)
  #expect(direct == library)
  let expected = try NPY.read(path: Fixtures.path(fixture.twin))
  #expect(direct.dtype == expected.dtype && direct.shape == expected.shape)
  expectAllClose(direct, expected, rtol: 0, atol: 0, fixture.testDescription)
}

/// The chunk plan of a dataset the module decodes itself.
private func plan(_ file: String, _ path: String) throws -> ChunkPlan {
  guard case .chunks(let plan) = try HDF5.pendingRead(file: file, dataset: path, useDirectChunks: true)
  else { throw HDF5Error(file: file, dataset: path, cause: "is not decoded directly") }
  return plan
}

/// One worker or many decode every chunk to the library's bytes: how the chunks are shared
/// out never changes the result.
@Test(arguments: try (dataFileChunked() + chunkedFileFixtures).filter(\.direct))
func anyNumberOfWorkersMatchesTheLibrary(fixture: ChunkedFixture) throws {
  let file = Fixtures.path("h5/\(fixture.file)")
  let library = try HDF5.read(file: file, dataset: fixture.path, useDirectChunks: false)
  for workers in [1, 3, 16] {
    #expect(try plan(file, fixture.path).read(workers: workers) == library, "\(workers) workers")
  }
}

/// The masked fixture really holds chunks that skip shuffle, deflate and both.
@Test func maskedChunksSkipFilters() throws {
  let masked = try plan(Fixtures.path("h5/chunked.h5"), "/masked")
  #expect(masked.steps == [.shuffle, .deflate])
  #expect(masked.chunks.map(\.filterMask) == [0, 1, 2, 3, 0, 2])
}

/// Unallocated chunks read as the dataset's fill value (through the library).
@Test func unallocatedChunksReadAsFillValue() throws {
  let array = try HDF5.read(file: Fixtures.path("h5/chunked.h5"), dataset: "/unallocated")
  let values = array.scalars(as: Float.self)
  #expect(values[0..<4] == [0, 1, 2, 3])
  #expect(values[4..<8] == [-1.5, -1.5, -1.5, -1.5])
  #expect(values[24...].allSatisfy { $0 == -1.5 })
}

/// A large dataset our own writer compressed (shuffle + gzip, many chunks, edge chunks on both
/// axes) decodes on every worker to exactly the array written.
@Test func manyChunksDecodeInParallel() throws {
  let directory = try Fixtures.temporaryDirectory("direct-chunks")
  defer { try? FileManager.default.removeItem(at: directory) }
  let file = directory.appendingPathComponent("many.h5").path
  let shape = [301, 517]
  let values = (0..<(shape[0] * shape[1])).map { Float(($0 * 7919) % 10007) / 13 }
  let array = NDArray(shape: shape, scalars: values)
  try HDF5.write(array, to: file, dataset: "/x", gzipLevel: 4)
  #expect(try decodesDirectly(file, "/x"))
  #expect(try HDF5.read(file: file, dataset: "/x") == array)
}

/// A corrupted chunk throws an error naming the file, the dataset and the chunk, not a crash,
/// both from the plan and from the read that made it.
@Test func corruptChunkThrows() throws {
  let directory = try Fixtures.temporaryDirectory("corrupt-chunk")
  defer { try? FileManager.default.removeItem(at: directory) }
  let file = directory.appendingPathComponent("corrupt.h5").path
  try FileManager.default.copyItem(atPath: Fixtures.path("h5/chunked.h5"), toPath: file)
  let corrupted = try plan(file, "/edges_f64")
  let chunk = try #require(corrupted.chunks.last)
  let handle = try #require(FileHandle(forWritingAtPath: file))
  try handle.seek(toOffset: UInt64(chunk.offset))
  try handle.write(contentsOf: Data(repeating: 0xA5, count: chunk.size))
  try handle.close()
  #expect {
    try corrupted.read()
  } throws: { error in
    let text = "\(error)"
    return text.contains("corrupt.h5:/edges_f64: the chunk at \(chunk.origin)")
      && text.contains("zlib")
  }
  #expect {
    try HDF5.read(file: file, dataset: "/edges_f64")
  } throws: { error in
    (error as? HDF5Error)?.description.hasPrefix("HDF5 \(file):/edges_f64: the chunk at \(chunk.origin)") == true
  }
}
