import Foundation
import TLArray
import TLHDF5
import TLSystem
import TLTestSupport
import Testing

/// Writing into an existing file merges by default; `replacingFile` writes it anew.
@Suite struct HDF5ReplaceTests {
  let first: [(path: String, array: NDArray)] = [
    ("/out", NDArray(shape: [2, 3], scalars: [1.0, 2, 3, 4, 5, 6])),
    ("/affine/out", NDArray(shape: [2], scalars: [Float(0.5), -0.5])),
    ("/affine/dW", NDArray(shape: [3], scalars: [Int64(7), 8, 9])),
  ]
  let second: [(path: String, array: NDArray)] = [
    ("/out", NDArray(shape: [1, 2], scalars: [Int32(-1), 1])),
    ("/affine/dW", NDArray(shape: [2], scalars: [Float(1), 2])),
  ]

  func datasets(_ file: String) throws -> [String] { try HDF5.datasets(in: file).map(\.path).sorted() }

  @Test func writingIntoAnExistingFileKeepsItsOtherDatasets() throws {
    let directory = try Fixtures.temporaryDirectory("hdf5-replace")
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("out.h5").path
    try HDF5.write(datasets: first, to: file, gzipLevel: nil)
    try HDF5.write(datasets: second, to: file, gzipLevel: nil)
    #expect(try datasets(file) == ["/affine/dW", "/affine/out", "/out"])
    #expect(try HDF5.read(file: file, dataset: "/affine/out") == first[1].array)
    let out = try HDF5.read(file: file, dataset: "/out")
    #expect(out == second[0].array && out.dtype == .int32 && out.shape == [1, 2])
  }

  @Test func replacingFileLeavesExactlyTheNewDatasets() throws {
    let directory = try Fixtures.temporaryDirectory("hdf5-replace")
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("out.h5").path
    try HDF5.write(datasets: first, to: file, gzipLevel: nil)
    try HDF5.write(datasets: second, to: file, gzipLevel: nil, replacingFile: true)
    #expect(try datasets(file) == ["/affine/dW", "/out"])
    let dW = try HDF5.read(file: file, dataset: "/affine/dW")
    #expect(dW == second[1].array && dW.dtype == .float32 && dW.shape == [2])
    // One dataset, replacing the file: only it remains.
    try HDF5.write(first[2].array, to: file, dataset: "/g/x", replacingFile: true)
    #expect(try datasets(file) == ["/g/x"])
    #expect(try HDF5.read(file: file, dataset: "/g/x") == first[2].array)
    // The replaced file is unlinked on a background queue: wait for it before listing.
    AtomicFile.finishRemovals()
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.h5"])
  }
}
