import Foundation
import TLArray
import TLTestSupport
import Testing

@testable import TLFormats

/// Large native C-order files are memory-mapped copy-on-write; everything else is copied.
@Suite struct NPYMapTests {
  @Test func largeFileIsMappedAndWritesNeverReachTheFile() throws {
    let directory = try Fixtures.temporaryDirectory("npy-map")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("big.npy").path
    let count = (NPY.defaultMapThreshold / 4) * 3  // 3 MiB of float32
    let original = NDArray(shape: [count / 256, 256], scalars: (0..<count).map { Float($0) })
    try NPY.write(original, to: path)
    let before = try Data(contentsOf: URL(fileURLWithPath: path))

    var array = try NPY.read(path: path)
    #expect(array == original)
    #if os(Linux)
      let maps = try String(contentsOfFile: "/proc/self/maps", encoding: .utf8)
      #expect(maps.contains(path), "the data should be mapped, not copied")
    #endif
    array.withUnsafeMutableBufferPointer(of: Float.self) { $0[0] = -1 }
    #expect(array.double(atFlat: 0) == -1)
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
  }

  @Test(arguments: [
    // (descr, fortran, shape, data offset, usable in place)
    ("<f4", false, [2, 3], 128, true),
    (">f4", false, [2, 3], 128, false),
    ("<f4", true, [2, 3], 128, false),
    ("<f4", true, [1, 6], 128, true),
    ("<f8", false, [2, 3], 68, false),
    ("|u1", false, [2, 3], 67, true),
    ("<i2", false, [2, 3], 70, true),
  ])
  func inPlaceRule(_ descr: String, _ fortran: Bool, _ shape: [Int], _ offset: Int, _ usable: Bool)
    throws
  {
    let parsed = try NPYDescr(parsing: descr, source: Source(file: "t"))
    let header = NPYHeader(descr: parsed, fortranOrder: fortran, shape: shape)
    #expect(NPY.isUsableInPlace(header, offset: offset) == usable)
  }
}
