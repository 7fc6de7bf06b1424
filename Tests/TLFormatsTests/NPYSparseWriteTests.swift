import Foundation
import TLArray
import TLTestSupport
import Testing

@testable import TLFormats

#if canImport(Glibc)
  import Glibc
#endif

/// An array that says which rows may be nonzero (``NDArray/nonzeroRows``, an embedding's dW) is
/// written with the other rows as holes: the file holds the same bytes as `np.save` writes,
/// and on a filesystem with holes it takes only the disk blocks of those rows.
@Suite struct NPYSparseWriteTests {
  /// 4000 rows of 64 float32 (256 bytes a row, 1 MB), `rows` set to row-dependent values.
  static func table(rows: [Int]) -> NDArray {
    var array = NDArray(zeros: .float32, shape: [4000, 64])
    array.withUnsafeMutableBufferPointer(of: Float.self) { values in
      for row in rows {
        for j in 0..<64 { values[row * 64 + j] = Float(row) + Float(j) / 64 - 0.5 }
      }
    }
    return array
  }

  static func bytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
  }

  /// Disk bytes the file takes (`st_blocks` × 512).
  static func allocated(_ path: String) -> Int {
    var status = stat()
    guard stat(path, &status) == 0 else { return -1 }
    return Int(status.st_blocks) * 512
  }

  /// Whether `directory`'s filesystem leaves a hole where a file is only extended.
  static func hasHoles(_ directory: URL) -> Bool {
    let probe = directory.appendingPathComponent("probe").path
    let descriptor = open(probe, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard descriptor >= 0 else { return false }
    defer {
      close(descriptor)
      unlink(probe)
    }
    guard ftruncate(descriptor, 1 << 20) == 0 else { return false }
    return allocated(probe) < 1 << 19
  }

  @Test(arguments: [
    [3, 4, 1500, 3999],  // a gap at the start, adjacent rows, one at the very end
    [0, 17, 40, 41],  // ends in a hole (the file gets its length from ftruncate)
    [],  // nothing but zeros
    Array(0..<4000),  // no gap at all
    Array(stride(from: 0, to: 4000, by: 20)),  // gaps of 19 rows (4864 bytes): too short to skip
  ])
  func sameBytesAsAWholeWrite(rows: [Int]) throws {
    let plain = Self.table(rows: rows)
    let hinted = plain.withNonzeroRows(rows)
    let directory = try Fixtures.temporaryDirectory("npy-sparse")
    defer { try? FileManager.default.removeItem(at: directory) }
    let whole = directory.appendingPathComponent("whole.npy").path
    let sparse = directory.appendingPathComponent("sparse.npy").path
    let staged = directory.appendingPathComponent("staged.npy").path
    try NPY.write(plain, to: whole)
    try NPY.write(hinted, to: sparse)
    #expect(try NPY.commit(NPY.stage(hinted, to: staged)))
    let expected = NPY.encode(plain)
    #expect(try Self.bytes(whole) == expected)
    #expect(try Self.bytes(sparse) == expected)
    #expect(try Self.bytes(staged) == expected)
    #expect(try NPY.read(path: sparse) == plain)
  }

  /// Rows of any rank: a row is everything under one index of the first axis (one element of a
  /// rank-1 array; a 16×16 block of a rank-3 one).
  @Test(arguments: [[40_000], [1000, 16, 16]])
  func rowsOfAnyRank(shape: [Int]) throws {
    let count = shape.reduce(1, *)
    let rowSize = count / shape[0]
    let rows = [1, 2, shape[0] / 2, shape[0] - 1]
    var scalars = [Double](repeating: 0, count: count)
    for row in rows { for j in 0..<rowSize { scalars[row * rowSize + j] = Double(row) - Double(j) / 7 - 0.25 } }
    let plain = NDArray(shape: shape, scalars: scalars)
    let directory = try Fixtures.temporaryDirectory("npy-sparse-rank")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("a.npy").path
    try NPY.write(plain.withNonzeroRows(rows), to: path)
    #expect(try Self.bytes(path) == NPY.encode(plain))
  }

  @Test func theOtherRowsTakeNoDiskBlocks() throws {
    let directory = try Fixtures.temporaryDirectory("npy-sparse-blocks")
    defer { try? FileManager.default.removeItem(at: directory) }
    try #require(Self.hasHoles(directory), "this filesystem stores no holes")
    let rows = [3, 4, 1500, 3999]
    let path = directory.appendingPathComponent("dW.npy").path
    try NPY.write(Self.table(rows: rows).withNonzeroRows(rows), to: path)
    // Header and rows 3–4 in the first blocks, row 1500's block, row 3999's block: at most a
    // few 4 KiB blocks of the 1 MB file.
    #expect(Self.allocated(path) <= 4 * 8192)
    let whole = directory.appendingPathComponent("whole.npy").path
    try NPY.write(Self.table(rows: rows), to: whole)
    #expect(Self.allocated(whole) >= 1_024_000)
  }
}
