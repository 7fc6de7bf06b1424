import Foundation
import TLArray
import TLIO
import TLTestSupport
import Testing

/// What a write does with the arrays a target already holds (``WriteMode``), and the inputs it
/// never writes over.
@Suite struct WriteModeTests {
  static let first: [(name: String, array: NDArray)] = [
    ("W", patternArray(.float32, shape: [2, 2], seed: 1)), ("b", patternArray(.float64, shape: [2], seed: 2)),
  ]
  static let second: [(name: String, array: NDArray)] = [("W", patternArray(.int32, shape: [3], seed: 3))]

  func names(_ location: ArrayLocation) throws -> [String] { try ArrayIO.readAll(location).map(\.name) }

  /// Merge keeps the other arrays and replaces one of the same name (dtype and shape too);
  /// replace leaves exactly the arrays written.
  @Test(arguments: ["c.npz", "c.h5", "dir/"])
  func mergeKeepsOthersAndReplaceDoesNot(target: String) throws {
    let directory = try Fixtures.temporaryDirectory("modes")
    defer { try? FileManager.default.removeItem(at: directory) }
    let location = ArrayLocation(parsing: directory.appendingPathComponent(target).path)
    try ArrayIO.write(Self.first, to: location)
    try ArrayIO.write(Self.second, to: location, mode: .merge)
    #expect(try names(location) == ["W", "b"])
    let all = try ArrayIO.readAll(location)
    #expect(all[0].array == Self.second[0].array && all[1].array == Self.first[1].array)
    try ArrayIO.write(Self.second, to: location, mode: .replace)
    #expect(try names(location) == ["W"])
    #expect(try ArrayIO.read(location) == Self.second[0].array)
  }

  /// Replacing in a directory removes its other arrays, never its other files.
  @Test func replaceInADirectoryKeepsFilesThatAreNotArrays() throws {
    let directory = try Fixtures.temporaryDirectory("modes")
    defer { try? FileManager.default.removeItem(at: directory) }
    let notes = directory.appendingPathComponent("notes.txt")
    try Data("keep".utf8).write(to: notes)
    try ArrayIO.write(Self.first, to: .directory(path: directory.path))
    try ArrayIO.write(Self.second, to: .directory(path: directory.path), mode: .replace)
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["W.npy", "notes.txt"])
  }

  /// A target that is a protected path, or lies inside one, is refused before anything is
  /// written; a directory target that is a file is refused too.
  @Test func protectedPathsAndFilesAreNotWrittenOver() throws {
    let directory = try Fixtures.temporaryDirectory("modes")
    defer { try? FileManager.default.removeItem(at: directory) }
    let input = directory.appendingPathComponent("in.npy").path
    try ArrayIO.write([("x", Self.second[0].array)], to: .npy(path: input))
    let before = try Data(contentsOf: URL(fileURLWithPath: input))
    let clash = try #require(throws: ArrayIOError.self) {
      try ArrayIO.write([("x", Self.first[0].array)], to: .npy(path: input), protecting: [input])
    }
    #expect(clash.description == "\(input): refusing to write over an input or reference")
    let inside = try #require(throws: ArrayIOError.self) {
      try ArrayIO.write(Self.first, to: .directory(path: directory.path + "/sub/.."), protecting: [directory.path])
    }
    // Named by the path without its `sub/..`, and as a directory the file would go into (the
    // message named `././out.npy` for outputs "." beside a reference ".").
    #expect(inside.path == directory.path + "/W.npy")
    #expect(
      inside.message
        == "refusing to write into \(ArrayIO.canonical(directory.path)), a reference or input directory of the run")
    #expect(try Data(contentsOf: URL(fileURLWithPath: input)) == before)

    let file = try #require(throws: ArrayIOError.self) {
      try ArrayIO.write(Self.first, to: .directory(path: input))
    }
    #expect(file.description == "\(input): is a file, not a directory to write arrays into")
  }

  /// Reading from places that do not hold arrays says what is wrong with the path.
  @Test func unreadablePlacesAreNamed() throws {
    let directory = try Fixtures.temporaryDirectory("modes")
    defer { try? FileManager.default.removeItem(at: directory) }
    let missing = directory.appendingPathComponent("missing").path
    let gone = try #require(throws: ArrayIOError.self) { try ArrayIO.readAll(.directory(path: missing)) }
    #expect(gone.description == "\(missing): no such file or directory")
    let h5Directory = directory.appendingPathComponent("d.h5")
    try FileManager.default.createDirectory(at: h5Directory, withIntermediateDirectories: false)
    let notFile = try #require(throws: ArrayIOError.self) {
      try ArrayIO.read(.hdf5Dataset(path: h5Directory.path, dataset: "/x"))
    }
    #expect(notFile.message == "is a directory, not an HDF5 file")
  }
}
