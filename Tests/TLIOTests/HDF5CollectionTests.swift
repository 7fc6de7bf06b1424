import Foundation
import TLArray
import TLFormats
import TLHDF5
import TLIO
import TLTestSupport
import Testing

/// HDF5 collections (testdata/read/*.h5, gen_read.py): every dataset h5py reaches by name is
/// read, or the read throws naming the file and the dataset or link; none is dropped silently.
@Suite struct HDF5CollectionTests {
  static func path(_ file: String) -> String { Fixtures.path("read/\(file)") }
  static func expected(_ name: String) throws -> NDArray {
    try NPY.read(path: Fixtures.path("read/expected/\(name).npy"))
  }

  /// Hard links list each name; a soft link to a dataset is read through; a second name of a
  /// group (hard g2, soft soft_g) adds none; the named datatype t is no dataset.
  @Test func linksToDatasetsAreListedUnderEachName() throws {
    let file = Self.path("links.h5")
    #expect(try HDF5.datasets(in: file).map(\.path) == ["/W", "/g/b", "/g/hard_W", "/soft_b"])
    let all = try ArrayIO.readAll(.hdf5(path: file))
    #expect(all.map(\.name) == ["W", "g.b", "g.hard_W", "soft_b"])
    let values = try [Self.expected("W"), Self.expected("b"), Self.expected("W"), Self.expected("b")]
    for ((name, array), want) in zip(all, values) {
      #expect(array.dtype == want.dtype && array.shape == want.shape, "\(name)")
      #expect(array == want, "\(name)")
    }
    #expect(try HDF5.read(file: file, dataset: "/soft_g/b") == Self.expected("b"))
  }

  @Test func danglingSoftLinkIsAnErrorNamingIt() throws {
    let file = Self.path("dangling.h5")
    for call in [
      { _ = try HDF5.datasets(in: file) }, { _ = try ArrayIO.readAll(.hdf5(path: file)) },
    ] {
      let error = try #require(throws: HDF5Error.self) { try call() }
      #expect(error.file == file && error.dataset == "/g/dangling")
      #expect(error.cause.contains("soft link to /nowhere leads to nothing"))
    }
  }

  @Test func externalLinkToADatasetIsReadThrough() throws {
    let all = try ArrayIO.readAll(.hdf5(path: Self.path("external.h5")))
    #expect(all.map(\.name) == ["ext", "idx"])
    #expect(all[0].array == (try Self.expected("W")))
    #expect(all[1].array == (try Self.expected("idx")))
  }

  @Test(arguments: [
    ("external-missing.h5", "external link to no-such-file.h5:/W leads to nothing"),
    ("external-group.h5", "external link to group links.h5:/g is not followed"),
  ])
  func externalLinksThatCannotBeListedAreErrors(_ name: String, _ words: String) throws {
    let file = Self.path(name)
    let error = try #require(throws: HDF5Error.self) { try ArrayIO.readAll(.hdf5(path: file)) }
    #expect(error.file == file && error.dataset == "/ext")
    #expect(error.cause.contains(words))
  }

  /// `/a.b` and `/a/b` both have the result name `a.b`: one would shadow the other.
  @Test func resultNameCollisionIsAnError() throws {
    let file = Self.path("collide.h5")
    #expect(try HDF5.datasets(in: file).map(\.path) == ["/a.b", "/a/b"])
    let error = try #require(throws: HDF5Error.self) { try ArrayIO.readAll(.hdf5(path: file)) }
    #expect(error.file == file && error.dataset == "/a/b")
    #expect(error.cause.contains("has the result name 'a.b', as /a.b has"))
  }

  /// String and compound datasets are listed (dtype nil) and make a collection read throw.
  @Test func unreadableTypesAreListedAndMakeTheReadThrow() throws {
    let file = Self.path("strings.h5")
    let listed = try HDF5.datasets(in: file)
    #expect(listed.map(\.path) == ["/W", "/names", "/pairs"])
    #expect(listed.map { $0.dtype == nil } == [false, true, true])
    let error = try #require(throws: HDF5Error.self) { try ArrayIO.readAll(.hdf5(path: file)) }
    #expect(error.file == file && error.dataset == "/names")
    #expect(error.cause.contains("non-numeric type"))
  }
}
