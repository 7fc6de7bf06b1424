import Foundation
import TLArray
import TLSystem
import TLTestSupport
import Testing

@testable import TLFormats

/// Writing over an existing file: the new bytes take its place in one step, the old file is
/// removed, nothing is left under a temporary name, and what is not a regular file is never
/// swapped away.
@Suite struct AtomicFileTests {
  static func entries(_ directory: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
  }

  @Test func replacesAnExistingFileAndLeavesNoTemporary() throws {
    let directory = try Fixtures.temporaryDirectory("atomic")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("a.npy").path
    let old = NDArray(shape: [3], scalars: [Float(1), 2, 3])
    let new = NDArray(shape: [2, 2], scalars: [Int16(7), 8, 9, 10])
    try NPY.write(old, to: path)
    // A second name for the old file: its content must survive, untouched, the replacement.
    let link = directory.appendingPathComponent("old-link.npy").path
    #expect(Glibc.link(path, link) == 0)
    try NPY.write(new, to: path)
    AtomicFile.finishRemovals()
    #expect(try NPY.read(path: path) == new)
    #expect(try NPY.read(path: link) == old)
    #expect(try Self.entries(directory) == ["a.npy", "old-link.npy"])
  }

  @Test func neverSwapsADirectoryOrASymlinkTarget() throws {
    let directory = try Fixtures.temporaryDirectory("atomic")
    defer { try? FileManager.default.removeItem(at: directory) }
    let array = NDArray(shape: [1], scalars: [Double(4)])
    // A directory where the file should go: refused, the directory and its content stay.
    let taken = directory.appendingPathComponent("taken.npy")
    try FileManager.default.createDirectory(at: taken, withIntermediateDirectories: false)
    try Data([1]).write(to: taken.appendingPathComponent("inside"))
    #expect(throws: FormatError.self) { try NPY.write(array, to: taken.path) }
    AtomicFile.finishRemovals()
    #expect(try Self.entries(taken) == ["inside"])
    #expect(try Self.entries(directory) == ["taken.npy"])
    // A symbolic link is replaced by the file, as rename does; its target is not written.
    let target = directory.appendingPathComponent("target.npy").path
    try NPY.write(array, to: target)
    let linked = directory.appendingPathComponent("linked.npy").path
    try FileManager.default.createSymbolicLink(atPath: linked, withDestinationPath: target)
    let other = NDArray(shape: [1], scalars: [Double(5)])
    try NPY.write(other, to: linked)
    AtomicFile.finishRemovals()
    #expect(try NPY.read(path: linked) == other && NPY.read(path: target) == array)
    #expect(try Self.entries(directory) == ["linked.npy", "taken.npy", "target.npy"])
  }
}
