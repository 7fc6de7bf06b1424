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

  @Test func temporaryNames() {
    #expect(AtomicFile.temporaryTarget(".W.npy.tmp-123-456")! == ("W.npy", 123))
    #expect(AtomicFile.temporaryTarget(".a.tmp-b.npy.tmp-1-2")! == ("a.tmp-b.npy", 1))
    for name in [
      "W.npy.tmp-1-2", ".W.npy.tmp-1", ".W.npy.tmp-1-2-3", ".W.npy.tmp-x-2", ".W.npy.tmp--2", "..tmp-1-2",
      ".W.npy.tmp-1-2.h5", ".out.h5.0B6C-AE.tmp",
    ] {
      #expect(AtomicFile.temporaryTarget(name) == nil, "\(name)")
    }
  }

  /// A later write removes what a killed run left under tl-run's own temporary pattern for the
  /// file it writes, once its process is gone and it has not changed for 10 minutes; anything
  /// else stays.
  @Test func staleTemporariesOfTheTargetAreRemoved() throws {
    let directory = try Fixtures.temporaryDirectory("hostile")
    defer { try? FileManager.default.removeItem(at: directory) }
    func make(_ name: String, ageSeconds: Int) throws {
      try Fixtures.writeAgedFile(name, in: directory, ageSeconds: ageSeconds)
    }
    let dead = Int32.max  // no such process
    try make(".W.npy.tmp-\(dead)-7", ageSeconds: 3600)  // stale: removed
    try make(".W.npy.tmp-\(dead)-8", ageSeconds: 10)  // recent: a writer elsewhere may own it
    try make(".W.npy.tmp-\(getppid())-9", ageSeconds: 3600)  // its process lives
    try make(".V.npy.tmp-\(dead)-7", ageSeconds: 3600)  // another target's
    try make(".W.npy.tmp-\(dead)-7.keep", ageSeconds: 3600)  // not the pattern
    try NPY.write(NDArray(shape: [1], scalars: [Float(1)]), to: directory.appendingPathComponent("W.npy").path)
    AtomicFile.removeStaleTemporaries(in: directory.path, for: ["W.npy"])
    let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    #expect(
      left
        == [
          ".V.npy.tmp-\(dead)-7", ".W.npy.tmp-\(dead)-7.keep", ".W.npy.tmp-\(dead)-8", ".W.npy.tmp-\(getppid())-9",
          "W.npy",
        ].sorted())
  }

  /// The data is written into an unnamed file: while the body runs, and after it fails, the
  /// directory holds no new name at all.
  @Test func writingHasNoNameUntilComplete() throws {
    let directory = try Fixtures.temporaryDirectory("hostile")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("x.npy").path
    struct Stop: Error {}
    #expect(throws: Stop.self) {
      try AtomicFile.write(path: path, source: Source(file: path)) { append in
        try [UInt8](repeating: 7, count: 1 << 20).withUnsafeBytes { try append($0) }
        #if os(Linux)
          #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        #endif
        throw Stop()
      }
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    #if os(Linux)
      #expect(UnnamedFile.open(besides: path).map { close($0) } != nil, "O_TMPFILE should work here")
    #endif
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
