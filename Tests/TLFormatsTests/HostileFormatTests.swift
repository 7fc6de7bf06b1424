import Foundation
import TLArray
import TLTestSupport
import Testing

@testable import TLFormats

#if canImport(Glibc)
  import Glibc
#endif

/// The format layer's half of "hostile files": names that may become files or members,
/// temporary files a killed run leaves, members that inflate past their declared size.
@Suite struct HostileFormatTests {
  @Test(arguments: [
    ("W", nil), ("embed.dW", nil), ("kernel:0", nil), ("../../evil", "'/'"), ("/abs", "'/'"),
    ("", "empty"), (".npy", "hidden"), (".", "hidden"), ("..", "hidden"), ("a\\b", "backslash"),
    ("a\u{0}b", "control"), ("x\u{1B}]0;t\u{07}", "control"), ("nel\u{85}", "control"), ("ls\u{2028}", "control"),
  ])
  func fileNames(_ name: String, _ problem: String?) {
    let found = ArrayNameCheck.fileNameProblem(name)
    if let problem {
      #expect(found?.contains(problem) == true, "\(name.debugDescription): \(found ?? "accepted")")
    } else {
      #expect(found == nil, "\(name.debugDescription): \(found ?? "")")
    }
  }

  @Test(arguments: [
    ("W", nil), ("sub/W", nil), ("a/b/c", nil), (".hidden", nil), ("../../evil", "'..'"), ("a/../b", "'..'"),
    ("./a", "'..'"), ("/tmp/x", "absolute"), ("a//b", "empty path component"), ("a/", "empty path component"),
    ("", "empty"), ("a\\..\\b", "backslash"), ("a\u{0}", "control"),
  ])
  func memberNames(_ name: String, _ problem: String?) {
    let found = ArrayNameCheck.memberNameProblem(name)
    if let problem {
      #expect(found?.contains(problem) == true, "\(name.debugDescription): \(found ?? "accepted")")
    } else {
      #expect(found == nil, "\(name.debugDescription): \(found ?? "")")
    }
  }

  @Test func escapesEveryControlCharacterOnce() {
    #expect(TerminalText.escaped("a\u{1B}]0;t\u{07}b") == "a\\x1b]0;t\\x07b")
    #expect(
      TerminalText.escaped("\u{0B}\u{7F}\u{85}\u{9B}\u{2028}\u{2029}\u{202E}\n\t")
        == "\\x0b\\x7f\\x85\\x9b\\u2028\\u2029\\u202e\\x0a\\x09")
    #expect(TerminalText.escaped("plain é ü 漢 \\x41") == "plain é ü 漢 \\x41")
  }

  /// A header longer than np.load reads (10000 bytes, its max_header_size) is refused from its
  /// length alone: before, a 200 MB header was read and parsed whole (2 GB of memory, 10 s) and
  /// a 3 GB one in a sparse file ran out of memory; deflated in an .npz, 97 KB asked for 1 GB.
  @Test func headersLongerThanNumPyReadsAreRefusedFromTheirLength() throws {
    let directory = try Fixtures.temporaryDirectory("hostile-header")
    defer { try? FileManager.default.removeItem(at: directory) }
    func file(_ name: String, version: UInt8, padding: Int) throws -> String {
      let text =
        Array("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }".utf8)
        + Array(repeating: UInt8(ascii: " "), count: padding) + [UInt8(ascii: "\n")]
      var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0]
      let length = text.count
      bytes +=
        version == 1 ? [UInt8(length & 0xFF), UInt8(length >> 8)] : (0..<4).map { UInt8((length >> (8 * $0)) & 0xFF) }
      bytes += text + Array(repeating: 0, count: 8)
      let path = directory.appendingPathComponent(name).path
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      return path
    }
    // NumPy's own limit passes: a header of exactly 10000 bytes reads.
    let atLimit = try file("at-limit.npy", version: 2, padding: 10_000 - 58)
    #expect(try NPY.read(path: atLimit).shape == [2])
    for (name, version, padding) in [("v1.npy", UInt8(1), 20_000), ("v2.npy", 2, 200_000), ("v3.npy", 3, 10_000 - 57)] {
      let path = try file(name, version: version, padding: padding)
      let length = 58 + padding
      #expect(
        throws: FormatError(
          file: path,
          message: "header length \(length) is more than the 10000 bytes np.load reads (its max_header_size)")
      ) { try NPY.read(path: path) }
      let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
      #expect(
        throws: FormatError(
          file: name,
          message: "header length \(length) is more than the 10000 bytes np.load reads (its max_header_size)")
      ) { try NPY.decode(bytes, name: name) }
    }
  }

  @Test func npzWritesRefuseEscapingMemberNamesAndTooManyDimensions() throws {
    let directory = try Fixtures.temporaryDirectory("hostile")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("o.npz").path
    let a = NDArray(shape: [1], scalars: [Float(1)])
    #expect(
      throws: FormatError(
        file: path, member: "../x", message: "cannot be an .npz member name: it holds a '.' or '..' path component")
    ) {
      try NPZ.write([("../x", a)], to: path, compressed: false)
    }
    let deep = NDArray(shape: Array(repeating: 1, count: 65), scalars: [Float(1)])
    #expect(throws: FormatError(file: path, member: "d", message: "shape has 65 dimensions; NumPy allows at most 64")) {
      try NPZ.merge([("d", deep)], into: path, compressed: false)
    }
    #expect(throws: FormatError.self) { try NPY.write(deep, to: directory.appendingPathComponent("d.npy").path) }
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
  }

  @Test func memberInflatingPastItsDeclaredSizeIsAnError() throws {
    let path = Fixtures.path("hostile/bomb.npz")
    #expect(
      throws: FormatError(
        file: path, member: "W",
        message: "corrupt member: deflate stream decompresses to more than the directory's 79 bytes")
    ) {
      _ = try NPZ.read(path: path, member: "W")
    }
  }
}

/// A ZIP64 end record whose central-directory size and offset are 2⁶⁴ − 1 (found by the npz
/// fuzz target: the offset arithmetic overflowed and trapped) is a corrupt archive, named.
@Test func zip64EndRecordWithHugeFieldsIsAnError() throws {
  var bytes: [UInt8] = []
  func put(_ value: UInt64, _ width: Int) {
    for i in 0..<width { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
  }
  // ZIP64 end of central directory record (56 bytes).
  put(0x0606_4B50, 4)
  put(44, 8)
  put(45, 2)
  put(45, 2)
  put(0, 4)
  put(0, 4)
  put(1, 8)
  put(1, 8)
  put(UInt64.max, 8)
  put(UInt64.max, 8)
  // ZIP64 locator (20 bytes), then the end record (22 bytes) that points at it.
  put(0x0706_4B50, 4)
  put(0, 4)
  put(0, 8)
  put(1, 4)
  put(0x0605_4B50, 4)
  put(0, 4)
  put(0xFFFF, 2)
  put(0xFFFF, 2)
  put(0xFFFF_FFFF, 4)
  put(0xFFFF_FFFF, 4)
  put(0, 2)
  let directory = try Fixtures.temporaryDirectory("hostile")
  defer { try? FileManager.default.removeItem(at: directory) }
  let path = directory.appendingPathComponent("huge.npz").path
  try Data(bytes).write(to: URL(fileURLWithPath: path))
  let error = try #require(throws: FormatError.self) { try NPZ.members(path: path) }
  #expect(error.message.contains("corrupt zip archive"), "\(error)")
}
