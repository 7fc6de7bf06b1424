import Foundation
import TLArray
import TLFormats
import TLIO
import TLTestSupport
import Testing

/// Directories of `.npy` files, laid out in a scratch directory from committed fixtures: every
/// entry named `*.npy` (any case) is an array or an error naming it.
@Suite struct DirectoryCollectionTests {
  static func fixture(_ relative: String) -> URL { URL(fileURLWithPath: Fixtures.path(relative)) }
  static func expected(_ name: String) throws -> NDArray {
    try NPY.read(path: Fixtures.path("read/expected/\(name).npy"))
  }

  /// A scratch directory holding `W.npy` and `b.npy`, removed after `body`.
  func withDirectory(_ body: (URL) throws -> Void) throws {
    let directory = try Fixtures.temporaryDirectory("collection")
    defer { try? FileManager.default.removeItem(at: directory) }
    for name in ["W", "b"] {
      try FileManager.default.copyItem(
        at: Self.fixture("read/expected/\(name).npy"),
        to: directory.appendingPathComponent("\(name).npy"))
    }
    try body(directory)
  }

  @Test func readsEveryNpyFileWithItsValues() throws {
    try withDirectory { directory in
      try Data("not an array".utf8).write(to: directory.appendingPathComponent("notes.txt"))
      let all = try ArrayIO.readAll(.directory(path: directory.path))
      #expect(all.map(\.name) == ["W", "b"])
      #expect(all[0].array == (try Self.expected("W")))
      #expect(all[1].array == (try Self.expected("b")))
    }
  }

  @Test func anUnreadableNpyIsAnErrorNamingIt() throws {
    try withDirectory { directory in
      let bad = directory.appendingPathComponent("x.npy")
      try FileManager.default.copyItem(at: Self.fixture("bad/truncated-data.npy"), to: bad)
      let error = try #require(throws: FormatError.self) {
        try ArrayIO.readAll(.directory(path: directory.path))
      }
      #expect(error.file == bad.path)
    }
  }

  @Test func aSubdirectoryNamedLikeAnArrayIsAnError() throws {
    try withDirectory { directory in
      let sub = directory.appendingPathComponent("y.npy")
      try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: false)
      let error = try #require(throws: FormatError.self) {
        try ArrayIO.readAll(.directory(path: directory.path))
      }
      #expect(error.description == "\(sub.path): is a directory")
    }
  }

  /// `x.NPY` is array `x`; beside `x.npy` it would shadow it, so the pair is an error.
  @Test func extensionCaseIsIgnoredAndCollisionsAreErrors() throws {
    try withDirectory { directory in
      let upper = directory.appendingPathComponent("idx.NPY")
      try FileManager.default.copyItem(at: Self.fixture("read/expected/idx.npy"), to: upper)
      #expect(try ArrayIO.npyFiles(in: directory.path) == ["W", "b", "idx"])
      let all = try ArrayIO.readAll(.directory(path: directory.path))
      #expect(all.last?.name == "idx")
      #expect(all.last?.array == (try Self.expected("idx")))

      try FileManager.default.copyItem(
        at: Self.fixture("read/expected/idx.npy"), to: directory.appendingPathComponent("idx.npy"))
      let error = try #require(throws: ArrayIOError.self) {
        try ArrayIO.readAll(.directory(path: directory.path))
      }
      #expect(error.path.hasPrefix(directory.path + "/idx."))
      #expect(error.message.contains("has the array name 'idx'"))
    }
  }

  @Test func symlinksAreFollowedAndDanglingOnesAreErrors() throws {
    try withDirectory { directory in
      let link = directory.appendingPathComponent("idx.npy")
      try FileManager.default.createSymbolicLink(
        at: link, withDestinationURL: Self.fixture("read/expected/idx.npy"))
      let all = try ArrayIO.readAll(.directory(path: directory.path))
      #expect(all.map(\.name) == ["W", "b", "idx"])
      #expect(all[2].array == (try Self.expected("idx")))

      let dangling = directory.appendingPathComponent("z.npy")
      try FileManager.default.createSymbolicLink(
        atPath: dangling.path, withDestinationPath: directory.appendingPathComponent("gone").path)
      let error = try #require(throws: FormatError.self) {
        try ArrayIO.readAll(.directory(path: directory.path))
      }
      #expect(error.file == dangling.path)
      #expect(error.message.contains("cannot open"))
    }
  }
}
