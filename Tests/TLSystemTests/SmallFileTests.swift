import Foundation
import TLTestSupport
import Testing

@testable import TLSystem

#if canImport(Glibc)
  import Glibc
#endif

/// The bounded read of the small text files (pipelines, reports, manifests): a hostile file of
/// gigabytes, a FIFO or a missing file is one phrase, never a read of it all.
@Suite struct SmallFileTests {
  @Test func readsAFileWithinTheLimitWhole() throws {
    let directory = try Fixtures.temporaryDirectory("small-file")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("p.json").path
    try Data("{\"version\": 1}".utf8).write(to: URL(fileURLWithPath: path))
    #expect(try SmallFile.read(path, limit: 14, what: "a pipeline file") == Data("{\"version\": 1}".utf8))
    #expect(throws: SmallFileError("is 14 bytes, more than the 13 tl-run reads as a pipeline file")) {
      try SmallFile.read(path, limit: 13, what: "a pipeline file")
    }
  }

  /// A sparse file of 3 GB takes a few KB on disk: refused from its size, at once.
  @Test func aSparseHugeFileIsRefusedFromItsSize() throws {
    let directory = try Fixtures.temporaryDirectory("small-file")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("huge.json").path
    #expect(FileManager.default.createFile(atPath: path, contents: Data("{".utf8)))
    let handle = try #require(FileHandle(forWritingAtPath: path))
    try handle.truncate(atOffset: 3_000_000_000)
    try handle.close()
    #expect(throws: SmallFileError("is 3000000000 bytes, more than the 67108864 tl-run reads as a pipeline file")) {
      try SmallFile.read(path, limit: 64 << 20, what: "a pipeline file")
    }
  }

  @Test func aFIFOAndAMissingFileAreRefused() throws {
    let directory = try Fixtures.temporaryDirectory("small-file")
    defer { try? FileManager.default.removeItem(at: directory) }
    let fifo = directory.appendingPathComponent("fifo").path
    #expect(mkfifo(fifo, 0o600) == 0)
    #expect(throws: SmallFileError("is a FIFO (named pipe), not a regular file")) {
      try SmallFile.read(fifo, limit: 100, what: "a batch report")
    }
    #expect(throws: SmallFileError("no such file")) {
      try SmallFile.read(directory.appendingPathComponent("none").path, limit: 100, what: "a batch report")
    }
  }
}
