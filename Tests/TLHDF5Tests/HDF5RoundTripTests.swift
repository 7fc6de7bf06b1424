import Foundation
import TLArray
import TLHDF5
import TLSystem
import TLTestSupport
import Testing

/// An array of `dtype` whose bytes follow a fixed pseudo-random sequence, so every bit pattern
/// (integer extremes, NaN payloads, −0.0, infinities) can occur; bool elements are 0 or 1.
func sampleArray(_ dtype: DType, shape: [Int], seed: UInt64 = 1) -> NDArray {
  var array = NDArray(zeros: dtype, shape: shape)
  var state = seed
  array.withUnsafeMutableBytes { bytes in
    for index in bytes.indices {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let byte = UInt8(truncatingIfNeeded: state >> 56)
      bytes[index] = dtype == .bool ? byte & 1 : byte
    }
  }
  return array
}

private let shapes: [[Int]] = [[], [0], [3, 0, 2], [5], [3, 4], [2, 3, 4]]

/// Every dtype and shape (0-d and empty included) comes back with the same dtype, shape and
/// bytes, plain and gzip-compressed.
@Test(arguments: DType.allCases, [nil, 4] as [Int?])
func writeThenReadEveryDType(dtype: DType, gzipLevel: Int?) throws {
  let directory = try Fixtures.temporaryDirectory("hdf5-roundtrip")
  defer { try? FileManager.default.removeItem(at: directory) }
  let file = directory.appendingPathComponent("out.h5").path
  let arrays = shapes.enumerated().map { index, shape in
    (path: "/case\(index)/x", array: sampleArray(dtype, shape: shape, seed: UInt64(index + 1)))
  }
  try HDF5.write(datasets: arrays, to: file, gzipLevel: gzipLevel)
  for (path, array) in arrays {
    let back = try HDF5.read(file: file, dataset: path)
    #expect(back == array, "\(dtype) \(Shape.describe(array.shape)) at \(path)")
    let info = try HDF5.datasetInfo(file: file, dataset: path)
    let compressed = gzipLevel != nil && array.count > 0 && !array.shape.isEmpty
    #expect(info.filters == (compressed ? ["shuffle", "deflate"] : []), "\(path)")
  }
}

/// One chunk shape h5py chose (testdata/h5/chunks.json).
struct H5pyChunks: Decodable, Sendable, CustomTestStringConvertible {
  let shape: [Int]
  let dtype: String
  let chunks: [Int]
  var testDescription: String { "\(dtype) \(Shape.describe(shape))" }

  static func all() throws -> [H5pyChunks] {
    let json = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("h5/chunks.json")))
    return try JSONDecoder().decode([H5pyChunks].self, from: json)
  }
}

/// Compressed datasets get the chunk shape h5py would give them, and compress.
@Test(arguments: try H5pyChunks.all())
func gzipChunksLikeH5py(expected: H5pyChunks) throws {
  let directory = try Fixtures.temporaryDirectory("hdf5-gzip")
  defer { try? FileManager.default.removeItem(at: directory) }
  let file = directory.appendingPathComponent("zeros.h5").path
  let array = NDArray(zeros: try #require(DType(name: expected.dtype)), shape: expected.shape)
  try HDF5.write(array, to: file, dataset: "/zeros", gzipLevel: 9)
  #expect(try HDF5.datasetInfo(file: file, dataset: "/zeros").chunks == expected.chunks)
  #expect(try HDF5.read(file: file, dataset: "/zeros") == array)
  if array.byteCount > 100_000 {
    let size = try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int ?? .max
    #expect(size < array.byteCount / 20, "zeros compress: \(size) bytes for \(array.byteCount)")
  }
}

/// Adding to an existing file keeps what it held, creates groups, and replaces a dataset of
/// the same path (with another dtype and shape).
@Test func addsToAnExistingFileWithGroups() throws {
  let directory = try Fixtures.temporaryDirectory("hdf5-existing")
  defer { try? FileManager.default.removeItem(at: directory) }
  let original = Fixtures.path("h5/data.h5")
  let file = directory.appendingPathComponent("copy.h5").path
  try FileManager.default.copyItem(atPath: original, toPath: file)
  let before = try HDF5.datasets(in: file)
  let dW = sampleArray(.float64, shape: [4, 3])
  let x = sampleArray(.int32, shape: [7], seed: 9)
  try HDF5.write(datasets: [("/embed/dW", dW), ("/nested/group/deep/x", x)], to: file, gzipLevel: nil)
  #expect(try HDF5.read(file: file, dataset: "/embed/dW") == dW)
  #expect(try HDF5.read(file: file, dataset: "/nested/group/deep/x") == x)
  #expect(
    try HDF5.read(file: file, dataset: "/ints/uint64")
      == HDF5.read(file: original, dataset: "/ints/uint64"))
  let after = try HDF5.datasets(in: file).map(\.path)
  #expect(after == (before.map(\.path) + ["/embed/dW"]).sorted())
  // The replaced file is unlinked on a background queue: wait for it before listing.
  AtomicFile.finishRemovals()
  #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["copy.h5"])
}

/// A failed write leaves the file as it was and no temporary file beside it.
@Test(arguments: [
  ("/nested", "is a group; a dataset does not replace it", "data.h5"),
  ("/ints/int8/z", "/ints/int8 is a dataset, so it cannot hold /ints/int8/z", "data.h5"),
  ("/x", "cannot open the file: file signature not found", "not_hdf5.h5"),
])
func failedWritesLeaveTheFileUntouched(path: String, cause: String, fixture: String) throws {
  let directory = try Fixtures.temporaryDirectory("hdf5-failed")
  defer { try? FileManager.default.removeItem(at: directory) }
  let file = directory.appendingPathComponent(fixture).path
  try FileManager.default.copyItem(atPath: Fixtures.path("h5/\(fixture)"), toPath: file)
  let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
  #expect {
    try HDF5.write(datasets: [(path, NDArray(scalar: 1.0))], to: file, gzipLevel: nil)
  } throws: { error in
    guard let error = error as? HDF5Error else { return false }
    return error.description.hasPrefix("HDF5 \(file)") && error.description.contains(cause)
  }
  #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == bytes)
  // The replaced file is unlinked on a background queue: wait for it before listing.
  AtomicFile.finishRemovals()
  #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == [fixture])
}

@Test(arguments: [-1, 10])
func refusesGzipLevelsOutsideZeroToNine(level: Int) throws {
  let directory = try Fixtures.temporaryDirectory("hdf5-level")
  defer { try? FileManager.default.removeItem(at: directory) }
  let file = directory.appendingPathComponent("out.h5").path
  #expect(throws: HDF5Error(file: file, cause: "gzip level \(level) is not in 0...9")) {
    try HDF5.write(NDArray(scalar: Float(1)), to: file, dataset: "/x", gzipLevel: level)
  }
  #expect(!FileManager.default.fileExists(atPath: file))
}
