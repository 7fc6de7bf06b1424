import Foundation
import TLArray
import TLTestSupport
import Testing

@testable import TLFormats

/// A `.npy` that another process truncates while it is read is an error naming the file, never
/// a SIGBUS. Without the crash guard's handlers (a library, these tests) the data is read with
/// `pread`, not memory-mapped, so an array read before the file shrank stays whole, and a read
/// the shrinking cuts short throws. (The command line maps large data under the guard:
/// CLITests/MappedInputCLITests.)
@Suite struct NPYShrinkTests {
  /// 3 MiB of float32: above the 1 MiB from which the command line maps the file.
  static func writeLarge(in directory: URL) throws -> (path: String, array: NDArray) {
    let count = 3 << 18
    let array = NDArray(shape: [count / 256, 256], scalars: (0..<count).map { Float($0) })
    let path = directory.appendingPathComponent("big.npy").path
    try NPY.write(array, to: path)
    return (path, array)
  }

  /// Mapped, this test dies of SIGBUS when it touches the array after the truncation.
  @Test func arrayReadBeforeTheFileShrankStaysWhole() throws {
    let directory = try Fixtures.temporaryDirectory("npy-shrink")
    defer { try? FileManager.default.removeItem(at: directory) }
    let (path, original) = try Self.writeLarge(in: directory)
    let array = try NPY.read(path: path)
    #expect(truncate(path, 100) == 0)
    #expect(array == original)  // touches every element
  }

  @Test func fileThatShrinksBeforeItsDataIsReadIsAnErrorNamingIt() throws {
    let directory = try Fixtures.temporaryDirectory("npy-shrink")
    defer { try? FileManager.default.removeItem(at: directory) }
    let (path, _) = try Self.writeLarge(in: directory)
    #expect {
      _ = try NPY.read(path: path, beforeData: { #expect(truncate(path, 1 << 20) == 0) })
    } throws: { error in
      guard let error = error as? FormatError else { return false }
      return error.file == path && error.message.contains("file shrank while being read")
    }
  }

  @Test func openReadableFileThatShrinksThrows() throws {
    let directory = try Fixtures.temporaryDirectory("npy-shrink")
    defer { try? FileManager.default.removeItem(at: directory) }
    let (path, _) = try Self.writeLarge(in: directory)
    let file = try ReadableFile(path: path, source: Source(file: path))
    #expect(truncate(path, 0) == 0)
    #expect(throws: FormatError.self) { _ = try file.bytes(offset: 0, count: 16) }
  }
}
