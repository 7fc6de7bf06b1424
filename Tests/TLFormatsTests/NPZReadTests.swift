import Foundation
import TLArray
import TLTestSupport
import Testing

@testable import TLFormats

/// Archives of `testdata/read/` (gen_read.py): every member the central directory lists is read
/// or named in an error, never dropped.
@Suite struct NPZReadTests {
  static func expected(_ name: String) throws -> NDArray {
    try NPY.read(path: Fixtures.path("read/expected/\(name).npy"))
  }

  static func path(_ file: String) -> String { Fixtures.path("read/\(file)") }

  /// Values, dtypes and shapes of every member, in order.
  static func expectBase(_ all: [(name: String, array: NDArray)]) throws {
    #expect(all.map(\.name) == ["W", "b", "idx"])
    for (name, array) in all {
      let want = try expected(name)
      #expect(array.dtype == want.dtype && array.shape == want.shape, "\(name)")
      #expect(array == want, "\(name)")
    }
  }

  @Test func baseArchiveReads() throws {
    try Self.expectBase(try NPZ.readAll(path: Self.path("base.npz")))
  }

  /// Kind 1: member b's local header signature is `XX\x03\x04`. np.load lists W, b, idx,
  /// reads W and raises on b; so does tl-run: listing works, reading all names b.
  @Test func damagedLocalHeaderIsAnErrorNamingTheMember() throws {
    let path = Self.path("damaged-header.npz")
    #expect(try NPZ.members(path: path) == ["W", "b", "idx"])
    let error = try #require(throws: FormatError.self) { try NPZ.readAll(path: path) }
    #expect(error.file == path && error.member == "b")
    #expect(error.message.contains("local file header is damaged"))
    #expect(error.message.contains("'XX\\x03\\x04'"))
    let one = try #require(throws: FormatError.self) { try NPZ.read(path: path, member: "b") }
    #expect(one.member == "b")
    // A good member of the same archive reads, as np.load reads it.
    #expect(try NPZ.read(path: path, member: "W") == Self.expected("W"))
    #expect(try NPZ.read(path: path, member: "idx") == Self.expected("idx"))
  }

  /// Kind 2: 64 bytes before the archive; offsets are corrected as Python's zipfile does, with
  /// or without ZIP64 end records (whose 76 bytes the correction also subtracts).
  @Test(arguments: ["prefixed.npz", "zip64-end.npz", "zip64-end-prefixed.npz"])
  func junkBeforeTheArchiveIsSkippedAsZipfileDoes(_ file: String) throws {
    let path = Self.path(file)
    #expect(try NPZ.members(path: path) == ["W", "b", "idx"])
    try Self.expectBase(try NPZ.readAll(path: path))
    #expect(try NPZ.read(path: path, member: "b") == Self.expected("b"))
  }

  /// Kind 3: LZMA (14) and bzip2 (12) members, which np.load reads through zipfile.
  @Test(arguments: ["lzma.npz", "bzip2.npz"])
  func lzmaAndBzip2MembersRead(_ file: String) throws {
    try Self.expectBase(try NPZ.readAll(path: Self.path(file)))
    #expect(try NPZ.read(path: Self.path(file), member: "idx") == Self.expected("idx"))
  }

  @Test func unsupportedMethodIsNamed() throws {
    let path = Self.path("zstd.npz")
    let error = try #require(throws: FormatError.self) { try NPZ.readAll(path: path) }
    #expect(error.member == "b")
    #expect(error.description == "\(path):b: compression method zstandard (93) is not supported")
    #expect(try NPZ.read(path: path, member: "W") == Self.expected("W"))
  }

  /// Kind 4: two entries W.npy; np.load silently reads the last.
  @Test func duplicateMembersAreAnError() throws {
    let path = Self.path("duplicate.npz")
    for call in [{ _ = try NPZ.members(path: path) }, { _ = try NPZ.readAll(path: path) }] {
      let error = try #require(throws: FormatError.self) { try call() }
      #expect(error.member == "W")
      #expect(error.message.contains("2 members are named 'W.npy'"))
    }
    let byName = try #require(throws: FormatError.self) { try NPZ.read(path: path, member: "W") }
    #expect(byName.member == "W")
    #expect(try NPZ.read(path: path, member: "b") == Self.expected("b"))
  }

  /// `sub/W.npy` is the array `sub/W`, NumPy's key; the directory entry `sub/` is no array.
  @Test func membersInSubdirectoriesKeepTheirPath() throws {
    let path = Self.path("subdir.npz")
    #expect(try NPZ.members(path: path) == ["sub/W", "b"])
    let all = try NPZ.readAll(path: path)
    #expect(all.map(\.name) == ["sub/W", "b"])
    #expect(all[0].array == (try Self.expected("W")))
    #expect(try NPZ.read(path: path, member: "sub/W") == Self.expected("W"))
  }

  /// `kernel:0.npy` is key `kernel:0`; `x.NPY` holds a .npy, so NumPy reads it as array `x.NPY`;
  /// `notes.txt` is not an array (np.load returns its bytes).
  @Test func membersAreArraysWhenNumPyReadsThemAsArrays() throws {
    let path = Self.path("names.npz")
    #expect(try NPZ.members(path: path) == ["kernel:0", "x.NPY"])
    let all = try NPZ.readAll(path: path)
    #expect(all.map(\.name) == ["kernel:0", "x.NPY"])
    #expect(all[0].array == (try Self.expected("W")))
    #expect(all[1].array == (try Self.expected("idx")))
    #expect(try NPZ.read(path: path, member: "kernel:0") == Self.expected("W"))
  }
}
