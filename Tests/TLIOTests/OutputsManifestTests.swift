import Foundation
import TLArray
import TLIO
import TLTestSupport
import Testing

/// A directory of outputs remembers what the last run wrote there (``OutputsManifest``), so the
/// next run removes exactly the arrays it did not write again, and only while they are still
/// the files tl-run wrote.
@Suite struct OutputsManifestTests {
  static func array(_ seed: UInt64) -> NDArray { patternArray(.float32, shape: [2], seed: seed) }

  func files(_ directory: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
  }

  @Test func aRunRemovesWhatThePreviousRunWroteAndThisOneDidNot() throws {
    let directory = try Fixtures.temporaryDirectory("manifest")
    defer { try? FileManager.default.removeItem(at: directory) }
    let outputs = ArrayLocation.directory(path: directory.path)
    #expect(try OutputsManifest.read(directory: directory.path) == nil)
    try ArrayIO.write([("out", Self.array(1)), ("h", Self.array(2))], to: outputs, mode: .runOutputs)
    let manifest = try #require(try OutputsManifest.read(directory: directory.path))
    #expect(manifest.version == 1 && manifest.files.map(\.name) == ["out.npy", "h.npy"])
    for file in manifest.files {
      let path = directory.appendingPathComponent(file.name).path
      #expect(file.matches(path), "\(file.name)")
      #expect(file.size == (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64))
    }
    try Data("mine".utf8).write(to: directory.appendingPathComponent("mine.npy"))  // not tl-run's
    try ArrayIO.write([("out", Self.array(3))], to: outputs, mode: .runOutputs)
    #expect(try files(directory) == [OutputsManifest.fileName, "mine.npy", "out.npy"])
    #expect(try ArrayIO.read(.npy(path: directory.appendingPathComponent("out.npy").path)) == Self.array(3))
    #expect(try OutputsManifest.read(directory: directory.path)?.files.map(\.name) == ["out.npy"])
  }

  /// A file written over since the run that listed it is no longer the run's file: kept.
  @Test func aListedFileWrittenOverSinceIsKept() throws {
    let directory = try Fixtures.temporaryDirectory("manifest")
    defer { try? FileManager.default.removeItem(at: directory) }
    let outputs = ArrayLocation.directory(path: directory.path)
    try ArrayIO.write([("out", Self.array(1)), ("h", Self.array(2))], to: outputs, mode: .runOutputs)
    let h = directory.appendingPathComponent("h.npy")
    let listed = try #require(try OutputsManifest.read(directory: directory.path)?.files.last)
    try FileManager.default.removeItem(at: h)
    try ArrayIO.write([("h", Self.array(4))], to: .npy(path: h.path))  // a new inode
    #expect(!listed.matches(h.path))
    try ArrayIO.write([("out", Self.array(3))], to: outputs, mode: .runOutputs)
    #expect(try files(directory) == [OutputsManifest.fileName, "h.npy", "out.npy"])
  }

  /// A manifest tl-run did not write, of another version, or listing a name outside the
  /// directory stops the write before anything changes.
  @Test(arguments: [
    ("not json", "not a tl-run outputs manifest; remove it (and any outputs of earlier runs) and run again"),
    (#"{"version": 2, "files": []}"#, "outputs manifest version 2; this tl-run reads version 1"),
    (
      #"{"version": 1, "files": [{"name": "../x.npy", "size": 1, "mtime_ns": 1, "inode": 1}]}"#,
      "lists \"../x.npy\", which is not a NAME.npy in this directory; not a tl-run outputs manifest"
    ),
  ])
  func untrustedManifestsStopTheWrite(text: String, message: String) throws {
    let directory = try Fixtures.temporaryDirectory("manifest")
    defer { try? FileManager.default.removeItem(at: directory) }
    let manifest = directory.appendingPathComponent(OutputsManifest.fileName)
    try Data(text.utf8).write(to: manifest)
    let error = try #require(throws: ArrayIOError.self) {
      try ArrayIO.write([("out", Self.array(1))], to: .directory(path: directory.path), mode: .runOutputs)
    }
    #expect(error.path == manifest.path && error.message.hasPrefix(message), "\(error)")
    #expect(try files(directory) == [OutputsManifest.fileName])
  }

  /// The manifest is hidden and not an array: a directory's arrays leave it out.
  @Test func theManifestIsNoArray() throws {
    let directory = try Fixtures.temporaryDirectory("manifest")
    defer { try? FileManager.default.removeItem(at: directory) }
    try ArrayIO.write([("out", Self.array(1))], to: .directory(path: directory.path), mode: .runOutputs)
    #expect(try ArrayIO.npyFiles(in: directory.path) == ["out"])
    #expect(try ArrayInspector.inspect(.directory(path: directory.path)).map(\.name) == ["out"])
  }
}
