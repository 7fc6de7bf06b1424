import Foundation
import TLArray
import TLIO
import TLTestSupport
import Testing

/// What `tl-run inspect` shows: a row per array with its dtype, shape and statistics; a file
/// or dataset that cannot be read is a row with the reason, never a dropped line.
@Suite struct ArrayInspectorTests {
  @Test func aDirectoryListsItsArraysThenItsOtherArrayFiles() throws {
    let directory = try Fixtures.temporaryDirectory("inspect")
    defer { try? FileManager.default.removeItem(at: directory) }
    let W = NDArray(shape: [2, 2], scalars: [Float(1), -2, .nan, .infinity])
    try ArrayIO.write(
      [("W", W), ("n", NDArray(shape: [3], scalars: [Int32(1), 2, 6]))], to: .directory(path: directory.path))
    try Data("no array".utf8).write(to: directory.appendingPathComponent("bad.npy"))
    try ArrayIO.write([("x", W)], to: .npz(path: directory.appendingPathComponent("m.npz").path))
    try ArrayIO.write([("x", W)], to: .hdf5(path: directory.appendingPathComponent("m.h5").path))
    try Data().write(to: directory.appendingPathComponent(".hidden.h5"))

    let rows = try ArrayInspector.inspect(.directory(path: directory.path))
    #expect(rows.map(\.name) == ["W", "bad", "n", "m.h5", "m.npz"])
    let w = rows[0]
    #expect(w.dtype == "float32" && w.shape == [2, 2] && w.unreadable == nil)
    #expect(w.statistics?.min == -2 && w.statistics?.max == .infinity && w.statistics?.mean == .infinity)
    #expect(w.statistics?.nanCount == 1 && w.statistics?.infCount == 1)
    #expect(rows[1].shape == nil && rows[1].unreadable != nil)
    #expect(rows[2].dtype == "int32" && rows[2].statistics?.mean == 3)
    for row in rows[3...] {
      #expect(
        row.storage == "a file of arrays, not one of the directory's: tl-run inspect \(directory.path)/\(row.name)")
    }

    let table = InspectTable.render(rows).split(separator: "\n").map(String.init)
    #expect(
      table[0].split(separator: " ", omittingEmptySubsequences: true) == [
        "NAME", "DTYPE", "SHAPE", "MIN", "MAX", "MEAN", "NaN", "Inf", "STORAGE",
      ])
    #expect(table[1].hasPrefix("W ") && table[1].contains("(2, 2)") && table[1].contains(" inf "))
    #expect(table[2].hasPrefix("bad ") && table[2].contains("unreadable: "))
    #expect(table.allSatisfy { $0.last != " " })
  }

  /// An HDF5 file's rows carry the storage of each dataset; string datasets are listed with
  /// the reason they are not read.
  @Test func hdf5RowsShowStorageAndRefusedTypes() throws {
    let directory = try Fixtures.temporaryDirectory("inspect")
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("z.h5").path
    let zeros = NDArray(zeros: .float64, shape: [64, 64])
    try ArrayIO.write([("g.z", zeros)], to: .hdf5(path: file), compress: true)
    let rows = try ArrayInspector.inspect(.hdf5(path: file))
    #expect(rows.map(\.name) == ["/g/z"])
    #expect(
      rows[0].storage.hasPrefix("chunks (") && rows[0].storage.hasSuffix("shuffle, deflate"), "\(rows[0].storage)")
    #expect(rows[0].statistics?.max == 0)
    let one = try ArrayInspector.inspect(ArrayLocation(parsing: file + ":/g/z"))
    #expect(one.map(\.name) == ["/g/z"] && one[0].storage == rows[0].storage)

    let strings = try ArrayInspector.inspect(.hdf5(path: Fixtures.path("read/strings.h5")))
    #expect(strings.map(\.name) == ["/W", "/names", "/pairs"])
    #expect(strings[0].unreadable == nil)
    #expect(strings[1...].allSatisfy { $0.unreadable?.hasSuffix("is not a numeric type tl-run reads") ?? false })
  }
}
