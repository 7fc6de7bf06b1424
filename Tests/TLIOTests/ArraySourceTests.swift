import TLArray
import TLFormats
import TLIO
import TLTestSupport
import Testing

/// `file.h5:/path` sources split after the first `.h5:` or `.hdf5:`, for those files only: the
/// one parser is ``ArrayLocation/init(parsing:)``; the HDF5 reader takes file and path apart.
@Test(arguments: [
  ("a.h5:/x", "a.h5", "/x"),
  ("dir/b.hdf5:/group/sub/x", "dir/b.hdf5", "/group/sub/x"),
  ("odd:name.h5:/g/x", "odd:name.h5", "/g/x"),
  ("c:/data/run:/1.h5:/out", "c:/data/run:/1.h5", "/out"),
  ("UPPER.H5:/x", "UPPER.H5", "/x"),
  ("dir:x/a.h5:/g/d", "dir:x/a.h5", "/g/d"),
  ("a.h5:/g:/d", "a.h5", "/g:/d"),
  ("a.hdf5:/g/x.h5:/d", "a.hdf5", "/g/x.h5:/d"),
  ("a.h5:/", "a.h5", "/"),
  // Without the leading slash, from the root, as h5py reads f["lstm/Wx"].
  ("weights.h5:lstm/Wx", "weights.h5", "/lstm/Wx"),
  ("a.h5:x", "a.h5", "/x"),
])
func splitsAfterTheFileExtension(source: String, file: String, dataset: String) {
  #expect(ArrayLocation(parsing: source) == .hdf5Dataset(path: file, dataset: dataset))
}

@Test(arguments: ["a.npy", "a.npz:key", "a.h5", "a.h5:", "a.txt:/x", "noextension:/x"])
func refusesSourcesThatAreNotHDF5(source: String) {
  if case .hdf5Dataset = ArrayLocation(parsing: source) {
    Issue.record("\(source) was taken for an HDF5 dataset")
  }
}

/// A source that is not an HDF5 dataset never reaches the HDF5 reader: `a.npy` is read, and
/// refused, as a `.npy` file.
@Test func sourceThatIsNotHDF5IsNotReadAsOne() {
  #expect(throws: FormatError(file: "a.npy", message: "cannot open: No such file or directory")) {
    try ArrayIO.read(ArrayLocation(parsing: "a.npy"))
  }
}

/// docs/pipeline.md §3: a dot in an output name becomes a group, both ways.
@Test(arguments: [
  ("embed.dW", "/embed/dW"), ("out", "/out"), ("lstm.h", "/lstm/h"), ("a.b.c", "/a/b/c"),
])
func datasetPathsForOutputNames(name: String, path: String) {
  #expect(ArrayNames.toHDF5(name) == path)
  #expect(ArrayNames.fromHDF5(path) == name)
}

/// A source string reads the same dataset as the file and path given apart.
@Test func readsAnArraySource() throws {
  let file = Fixtures.path("h5/data.h5")
  let viaSource = try ArrayIO.read(ArrayLocation(parsing: "\(file):/nested/group/deep/x"))
  #expect(viaSource == (try NPY.read(path: Fixtures.path("h5/npy/nested__group__deep__x.npy"))))
}
