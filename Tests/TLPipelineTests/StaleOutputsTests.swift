import Foundation
import TLArray
import TLCompare
import TLFormats
import TLIO
import TLPipeline
import TLTestSupport
import Testing

private let plainNames: Set<String> = ["out", "dx", "affine.dW", "affine.db"]

/// The names in the outputs manifest of `directory`.
private func manifestNames(_ directory: String) throws -> [String] {
  try #require(try OutputsManifest.read(directory: directory)).files.map(\.name).sorted()
}

/// A run with `--intermediates` and then a plain one: the outputs hold exactly the plain run's
/// arrays, with its values, shapes and dtypes, whatever the format.
@Test(arguments: ["out", "results.npz", "results.h5"])
func aPlainRunRemovesTheIntermediatesOfTheRunBefore(outputs: String) throws {
  let scratch = try ScratchCase(copying: "seed_time_affine")
  defer { scratch.remove() }
  try scratch.editPipeline { $0["outputs"] = outputs }
  let location = ArrayLocation(parsing: scratch.path(outputs))
  _ = try scratch.run(RunOptions(intermediates: true))
  #expect(Set(try ArrayIO.readAll(location).map(\.name)) == plainNames.union(["affine.out", "affine.dx"]))

  let result = try scratch.run()
  let written = try ArrayIO.readAll(location)
  #expect(Set(written.map(\.name)) == plainNames)
  #expect(written.count == plainNames.count)
  for (name, array) in result.results {
    let read = try #require(written.first { $0.name == name }?.array)
    #expect(read == array && read.dtype == array.dtype && read.shape == array.shape, "\(name)")
  }
  let comparison = try #require(result.comparison)
  #expect(comparison.isPass && comparison.compared == 4)
  // Comparing what is on disk now finds nothing unchecked: no stale array is left to count.
  let onDisk = compareCollections(
    actual: written, expected: try ArrayIO.readAll(ArrayLocation(parsing: scratch.path("expected"))),
    policy: TolerancePolicy.defaults)
  #expect(onDisk.isPass && onDisk.unchecked == 0, "\(onDisk.textReport)")
  if outputs == "out" {
    #expect(try manifestNames(scratch.path("out")) == plainNames.map { $0 + ".npy" }.sorted())
    #expect(!scratch.exists("out/affine.out.npy"))
  }
  let files = try FileManager.default.contentsOfDirectory(atPath: scratch.directory.path)
  #expect(!files.contains { $0.contains(".tmp") }, "a temporary file was left: \(files)")
}

/// Files the run did not write stay: another `.npy`, a text file, and an array the previous
/// run wrote that was written over since (another inode and time).
@Test func filesTLRunDidNotWriteAreNeverRemoved() throws {
  let scratch = try ScratchCase(copying: "seed_time_affine")
  defer { scratch.remove() }
  try FileManager.default.createDirectory(atPath: scratch.path("out"), withIntermediateDirectories: true)
  let mine = NDArray(shape: [2], scalars: [Int16(3), 4])
  try NPY.write(mine, to: scratch.path("out/mine.npy"))
  try Data("notes".utf8).write(to: URL(fileURLWithPath: scratch.path("out/notes.txt")))
  _ = try scratch.run(RunOptions(intermediates: true))
  #expect(try manifestNames(scratch.path("out")).contains("affine.out.npy"))
  let replaced = NDArray(shape: [1], scalars: [Float(9)])
  try NPY.write(replaced, to: scratch.path("out/affine.out.npy"))

  _ = try scratch.run()
  #expect(try NPY.read(path: scratch.path("out/mine.npy")) == mine)
  #expect(try NPY.read(path: scratch.path("out/affine.out.npy")) == replaced)
  #expect(try String(contentsOfFile: scratch.path("out/notes.txt"), encoding: .utf8) == "notes")
  #expect(try manifestNames(scratch.path("out")) == plainNames.map { $0 + ".npy" }.sorted())
  // Listed no more, the user's affine.out survives later runs too.
  _ = try scratch.run()
  #expect(try NPY.read(path: scratch.path("out/affine.out.npy")) == replaced)
}

/// The manifest is not an array: reading, comparing and inspecting the directory pass it by.
@Test func theManifestIsNotReadAsAnArray() throws {
  let scratch = try ScratchCase(copying: "seed_time_affine")
  defer { scratch.remove() }
  _ = try scratch.run()
  #expect(scratch.exists("out/\(OutputsManifest.fileName)"))
  let location = ArrayLocation(parsing: scratch.path("out"))
  #expect(Set(try ArrayIO.readAll(location).map(\.name)) == plainNames)
  let entries = try ArrayInspector.inspect(location)
  #expect(Set(entries.map(\.name)) == plainNames && entries.allSatisfy { $0.unreadable == nil })
}

/// A manifest tl-run cannot trust stops the run before anything is written or removed.
@Test(arguments: [
  "not json", #"{"version": 1, "files": [{"name": "../victim.npy", "size": 1, "mtime_ns": 1, "inode": 1}]}"#,
])
func aDamagedManifestStopsTheRunWithNothingWritten(manifest: String) throws {
  let scratch = try ScratchCase(copying: "seed_time_affine")
  defer { scratch.remove() }
  try FileManager.default.createDirectory(atPath: scratch.path("out"), withIntermediateDirectories: true)
  let file = scratch.path("out/\(OutputsManifest.fileName)")
  try Data(manifest.utf8).write(to: URL(fileURLWithPath: file))
  try Data("x".utf8).write(to: URL(fileURLWithPath: scratch.path("victim.npy")))
  let error = try #require(throws: PipelineError.self) { try scratch.run() }
  #expect(error.path == "outputs" && error.message.contains(OutputsManifest.fileName), "\(error)")
  #expect(!scratch.exists("out/out.npy"))
  #expect(scratch.exists("victim.npy"))
  #expect(try String(contentsOfFile: file, encoding: .utf8) == manifest)
}

/// `convert --replace`'s mode on a directory removes the other `.npy` files, not other files.
@Test func replacingADirectoryRemovesOnlyItsOtherArrays() throws {
  let directory = try Fixtures.temporaryDirectory("replace-dir")
  defer { try? FileManager.default.removeItem(at: directory) }
  let a = NDArray(shape: [2], scalars: [1.0, 2.0])
  let b = NDArray(shape: [1], scalars: [UInt8(5)])
  try ArrayIO.write([("a", b), ("b", b)], to: .directory(path: directory.path))
  try Data("keep".utf8).write(to: directory.appendingPathComponent("notes.txt"))
  try ArrayIO.write([("a", a)], to: .directory(path: directory.path), mode: .merge)
  #expect(try ArrayIO.npyFiles(in: directory.path) == ["a", "b"])
  try ArrayIO.write([("a", a)], to: .directory(path: directory.path), mode: .replace)
  #expect(try ArrayIO.npyFiles(in: directory.path) == ["a"])
  let read = try NPY.read(path: directory.appendingPathComponent("a.npy").path)
  #expect(read == a && read.dtype == .float64 && read.shape == [2])
  #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("notes.txt").path))
}
