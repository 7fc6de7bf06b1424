import TLHDF5
import Testing

/// `file.h5:/path` sources split after the first `.h5:` or `.hdf5:`, for those files only.
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
func splitsAfterTheFileExtension(source: String, file: String, dataset: String) throws {
  let split = try #require(HDF5Path.split(source))
  #expect(split.file == file)
  #expect(split.dataset == dataset)
}

@Test(arguments: ["a.npy", "a.npz:key", "a.h5", "a.h5:", "a.txt:/x", "noextension:/x"])
func refusesSourcesThatAreNotHDF5(source: String) {
  #expect(HDF5Path.split(source) == nil)
}

/// pipeline.md §3: a dot in an output name becomes a group.
@Test(arguments: [
  ("embed.dW", "/embed/dW"), ("out", "/out"), ("lstm.h", "/lstm/h"), ("a.b.c", "/a/b/c"),
])
func datasetPathsForOutputNames(name: String, path: String) {
  #expect(HDF5Path.datasetPath(forName: name) == path)
}
