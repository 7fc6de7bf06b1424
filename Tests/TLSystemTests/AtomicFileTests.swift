import Foundation
import TLTestSupport
import Testing

@testable import TLSystem

#if canImport(Glibc)
  import Glibc
#endif

/// What every format's writes rely on: a target that is not a regular file is refused before
/// anything is written, a replaced file is swapped whole, a writer that needs a path can add to
/// a copy of the old file, and a failure leaves the directory as it was.
@Suite struct AtomicFileTests {
  static func entries(_ directory: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
  }

  static func write(_ bytes: [UInt8], to path: String) throws {
    try AtomicFile.write(to: path) { append in try bytes.withUnsafeBytes { try append($0) } }
  }

  static func contents(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
  }

  /// Zeros appended with ``AtomicFile/Appender/zeros(_:)`` read back as zeros, between bytes
  /// and at the end (where only the file's length says they are there), named or staged.
  @Test func appendedZerosReadBackAsZeros() throws {
    let directory = try Fixtures.temporaryDirectory("atomic-zeros")
    defer { try? FileManager.default.removeItem(at: directory) }
    let expected = [1, 2] + [UInt8](repeating: 0, count: 10_000) + [3] + [UInt8](repeating: 0, count: 5000)
    func body(_ append: AtomicFile.Appender) throws {
      try [UInt8]([1, 2]).withUnsafeBytes { try append($0) }
      try append.zeros(10_000)
      try append.zeros(0)
      try [UInt8]([3]).withUnsafeBytes { try append($0) }
      try append.zeros(5000)
    }
    let written = directory.appendingPathComponent("a.bin").path
    try AtomicFile.write(to: written, body)
    #expect(try Self.contents(written) == expected)
    let staged = directory.appendingPathComponent("b.bin").path
    #expect(try AtomicFile.stage(to: staged, body).commit())
    #expect(try Self.contents(staged) == expected)
  }

  @Test func refusesADirectoryAFIFOAndADeviceByKind() throws {
    let directory = try Fixtures.temporaryDirectory("atomic-kinds")
    defer { try? FileManager.default.removeItem(at: directory) }
    let folder = directory.appendingPathComponent("folder").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
    let fifo = directory.appendingPathComponent("fifo").path
    try #require(mkfifo(fifo, 0o600) == 0)
    #expect(throws: FileError(path: folder, message: "is a directory, not a file to write")) {
      try Self.write([1], to: folder)
    }
    #expect(throws: FileError(path: fifo, message: "is a FIFO (named pipe), not an HDF5 file")) {
      try AtomicFile.replace(fifo, expecting: "an HDF5 file") { _, _ in Issue.record("body ran") }
    }
    #expect(throws: FileError(path: "/dev/null", message: "is a character device, not a regular file")) {
      try Self.write([1], to: "/dev/null")
    }
    #expect(try Self.entries(directory) == ["fifo", "folder"])
    #expect(FileKind.of(fifo) == .fifo && FileKind.of(folder) == .directory)
  }

  /// `replace` hands the body a copy of the existing file to add to; the old file's other
  /// names keep the old bytes, and the old file is gone once removals finish.
  @Test func replaceAddsToACopyOfTheExistingFile() throws {
    let directory = try Fixtures.temporaryDirectory("atomic-replace")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("a.bin").path
    try AtomicFile.replace(path, copyingExisting: true) { temporary, copied in
      #expect(!copied)
      try Data([1, 2]).write(to: URL(fileURLWithPath: temporary))
    }
    let link = directory.appendingPathComponent("old").path
    #expect(Glibc.link(path, link) == 0)
    try AtomicFile.replace(path, copyingExisting: true) { temporary, copied in
      #expect(copied)
      let handle = try #require(FileHandle(forWritingAtPath: temporary))
      try handle.seekToEnd()
      try handle.write(contentsOf: Data([3]))
      try handle.close()
    }
    AtomicFile.finishRemovals()
    #expect(try Self.contents(path) == [1, 2, 3])
    #expect(try Self.contents(link) == [1, 2])
    #expect(try Self.entries(directory) == ["a.bin", "old"])
  }

  /// A body that fails leaves neither its temporary file nor a change to the target.
  @Test func aFailedReplacementLeavesTheTargetAsItWas() throws {
    let directory = try Fixtures.temporaryDirectory("atomic-fail")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("a.bin").path
    try Self.write([9], to: path)
    struct Stop: Error {}
    #expect(throws: Stop.self) {
      try AtomicFile.replace(path, copyingExisting: true) { temporary, _ in
        try Data([7, 7]).write(to: URL(fileURLWithPath: temporary))
        throw Stop()
      }
    }
    #expect(throws: Stop.self) {
      try AtomicFile.write(to: path) { append in
        try [UInt8](repeating: 5, count: 10).withUnsafeBytes { try append($0) }
        throw Stop()
      }
    }
    #expect(try Self.contents(path) == [9])
    #expect(try Self.entries(directory) == ["a.bin"])
  }

  /// Over an existing file the new bytes take its place in one step (an exchange where the
  /// system has `renameat2`), and the old file is removed.
  @Test func writeReplacesAnExistingFileWhole() throws {
    let directory = try Fixtures.temporaryDirectory("atomic-write")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("a.bin").path
    try Self.write([1, 2, 3], to: path)
    let before = try #require(FileStatus(path))
    try Self.write([4], to: path)
    AtomicFile.finishRemovals()
    #expect(try Self.contents(path) == [4])
    #expect(FileStatus(path)?.inode != before.inode)
    #expect(try Self.entries(directory) == ["a.bin"])
  }
}
