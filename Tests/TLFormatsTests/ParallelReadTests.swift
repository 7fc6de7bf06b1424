import Foundation
import TLArray
import TLSystem
import TLTestSupport
import Testing

@testable import TLFormats

/// Large reads go in parts, several at once (``ReadableFile/read(offset:count:into:workers:)``):
/// every byte lands where a read in one piece puts it, and a file that shrinks is the error
/// of the first part it cuts short, as in one piece.
@Suite struct ParallelReadTests {
  /// 3 parts of at least 8 MiB and a ragged end: 25 MiB + 12 bytes after a 128-byte header.
  static let count = 25 << 20 + 12

  /// The file's bytes, made once: a 128-byte head, then the data.
  static let bytes: [UInt8] = {
    let words = (0..<((count + 128) / 8 + 1)).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64($0) }
    return Array(words.withUnsafeBytes { $0.prefix(count + 128) })
  }()

  static func write(in directory: URL) throws -> (path: String, bytes: [UInt8]) {
    let path = directory.appendingPathComponent("bytes.bin").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return (path, bytes)
  }

  @Test(arguments: [1, 2, 3, 8]) func partsLandWhereOnePieceDoes(workers: Int) throws {
    let directory = try Fixtures.temporaryDirectory("parallel-read")
    defer { try? FileManager.default.removeItem(at: directory) }
    let (path, bytes) = try Self.write(in: directory)
    let file = try ReadableFile(path: path, source: Source(file: path))
    let storage = ArrayStorage(byteCount: Self.count)
    try file.read(offset: 128, count: Self.count, into: storage.base, workers: workers)
    let read = UnsafeRawBufferPointer(start: storage.base, count: Self.count)
    #expect(read.elementsEqual(bytes[128...]))
  }

  /// Cut in the second of three parts: the message names the byte where the file ends, as a
  /// read in one piece does; the parts after it fail too, but it is the first.
  @Test func shrinkingIsTheFirstFailedPartsError() throws {
    let directory = try Fixtures.temporaryDirectory("parallel-read")
    defer { try? FileManager.default.removeItem(at: directory) }
    let (path, _) = try Self.write(in: directory)
    let file = try ReadableFile(path: path, source: Source(file: path))
    let end = 128 + 13 << 20
    #expect(truncate(path, off_t(end)) == 0)
    let storage = ArrayStorage(byteCount: Self.count)
    for workers in [1, 3] {
      #expect {
        try file.read(offset: 128, count: Self.count, into: storage.base, workers: workers)
      } throws: { error in
        guard let error = error as? FormatError else { return false }
        return error.file == path && error.message.contains("file shrank while being read (\(end) bytes)")
      }
    }
  }
}
