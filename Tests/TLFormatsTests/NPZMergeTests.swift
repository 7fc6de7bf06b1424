import Foundation
import TLArray
import TLSystem
import TLTestSupport
import Testing
import ZIPFoundation

@testable import TLFormats

/// Writing into an existing `.npz` keeps its other members (tl-run convert's merge).
@Suite struct NPZMergeTests {
  /// The uncompressed bytes of every member, by member name.
  static func memberBytes(_ path: String) throws -> [String: [UInt8]] {
    let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
    var members: [String: [UInt8]] = [:]
    for entry in archive {
      var bytes: [UInt8] = []
      _ = try archive.extract(entry) { bytes.append(contentsOf: $0) }
      members[entry.path] = bytes
    }
    return members
  }

  static func copy(_ fixture: String, into directory: URL) throws -> String {
    let target = directory.appendingPathComponent((fixture as NSString).lastPathComponent).path
    try FileManager.default.copyItem(atPath: Fixtures.path(fixture), toPath: target)
    return target
  }

  /// Same-name members are replaced in place, new ones appended, the rest kept byte for byte
  /// (the big-endian `Wx` too, which a decode and re-encode would turn little-endian), each
  /// with its compression method.
  @Test(arguments: ["npz/stored.npz", "npz/deflated.npz"])
  func mergeReplacesSameNamesAndKeepsTheRest(fixture: String) throws {
    let directory = try Fixtures.temporaryDirectory("npz-merge")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = try Self.copy(fixture, into: directory)
    let before = try Self.memberBytes(path)
    let oldMethods = ZipLayout.localHeaders(try Data(contentsOf: URL(fileURLWithPath: path))).map(\.method)
    let b = NDArray(shape: [2], scalars: [1.5, -2.0])
    let added = NDArray(shape: [2, 2], scalars: [Int32(1), 2, 3, 4])
    try NPZ.merge([("added", added), ("b", b)], into: path, compressed: false)

    #expect(try NPZ.members(path: path) == ["W", "b", "idx", "scalar", "empty", "Wx", "added"])
    let after = try Self.memberBytes(path)
    for name in ["W", "idx", "scalar", "empty", "Wx"] {
      #expect(after[name + ".npy"] == before[name + ".npy"], "\(name) changed")
    }
    #expect(try NPZ.read(path: path, member: "b") == b)
    #expect(try NPZ.read(path: path, member: "b").dtype == .float64)
    #expect(try NPZ.read(path: path, member: "added") == added)
    #expect(try NPZ.read(path: path, member: "added").shape == [2, 2])
    let wx = try NPZ.read(path: path, member: "Wx")
    #expect(wx.dtype == .float64 && wx.shape == [2, 3])
    let methods = ZipLayout.localHeaders(try Data(contentsOf: URL(fileURLWithPath: path))).map(\.method)
    // b keeps its place but is written as asked (stored); the others keep theirs.
    #expect(methods == [oldMethods[0], 0, oldMethods[2], oldMethods[3], oldMethods[4], oldMethods[5], 0])
    AtomicFile.finishRemovals()  // the old archive is removed in the background
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).count == 1, "no temporary left")
  }

  @Test func mergeIntoNothingWritesTheArchive() throws {
    let directory = try Fixtures.temporaryDirectory("npz-merge")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("new.npz").path
    let a = NDArray(shape: [3], scalars: [UInt8(7), 8, 9])
    try NPZ.merge([("a", a)], into: path, compressed: true)
    #expect(try NPZ.readAll(path: path).map(\.name) == ["a"])
    #expect(try NPZ.read(path: path, member: "a") == a)
  }

  /// A damaged member cannot be carried over: the merge fails naming it, and the archive is
  /// left exactly as it was.
  @Test func aCorruptMemberStopsTheMergeAndLeavesTheArchive() throws {
    let directory = try Fixtures.temporaryDirectory("npz-merge")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = try Self.copy("bad/crc.npz", into: directory)
    let before = try Data(contentsOf: URL(fileURLWithPath: path))
    let error = try #require(throws: FormatError.self) {
      try NPZ.merge([("new", NDArray(scalar: 1.0))], into: path, compressed: false)
    }
    #expect(error.member == "W" && error.message.contains("cannot keep"), "\(error)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["crc.npz"])
  }

  /// An archive with two members of one key is not carried forward: the merge would write an
  /// archive that no reader of tl-run accepts.
  @Test func anArchiveWithDuplicateKeysIsNotMergedInto() throws {
    let directory = try Fixtures.temporaryDirectory("npz-merge")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = try Self.copy("read/duplicate.npz", into: directory)
    let before = try Data(contentsOf: URL(fileURLWithPath: path))
    let error = try #require(throws: FormatError.self) {
      try NPZ.merge([("new", NDArray(scalar: 1.0))], into: path, compressed: false)
    }
    #expect(error.member == "W" && error.message.contains("2 members are named 'W.npy'"), "\(error)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
  }

  /// Replacing the damaged member itself needs none of its bytes, so that merge works.
  @Test func replacingTheCorruptMemberRepairsTheArchive() throws {
    let directory = try Fixtures.temporaryDirectory("npz-merge")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = try Self.copy("bad/crc.npz", into: directory)
    let w = NDArray(shape: [3, 4], scalars: (0..<12).map(Float.init))
    try NPZ.merge([("W", w)], into: path, compressed: false)
    let all = try NPZ.readAll(path: path)
    #expect(all.map(\.name) == ["W", "b", "idx", "scalar", "empty", "Wx"])
    #expect(all[0].array == w && all[0].array.dtype == .float32)
  }

  @Test func duplicateNamesAreRefused() throws {
    let a = NDArray(shape: [1], scalars: [Float(1)])
    let error = try #require(throws: FormatError.self) {
      try NPZ.merge([("W", a), ("W", a)], into: "/nonexistent/x.npz", compressed: false)
    }
    #expect(error.member == "W" && error.description.contains("two arrays"))
  }
}
