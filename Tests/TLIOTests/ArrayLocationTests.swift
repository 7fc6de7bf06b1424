import TLIO
import Testing

/// Array sources split right after the file's own extension (`.npz:`, `.h5:/`, `.hdf5:/`, the
/// first occurrence, case-insensitive), so member and dataset names may hold colons.
@Suite struct ArrayLocationTests {
  @Test(arguments: [
    ("a.npz:kernel:0", ArrayLocation.npzMember(path: "a.npz", member: "kernel:0")),
    ("dir:x/a.npz:W", .npzMember(path: "dir:x/a.npz", member: "W")),
    ("a.npz:W", .npzMember(path: "a.npz", member: "W")),
    ("A.NPZ:W", .npzMember(path: "A.NPZ", member: "W")),
    ("a.npz:sub/W", .npzMember(path: "a.npz", member: "sub/W")),
    ("a.npz:x.h5:/d", .npzMember(path: "a.npz", member: "x.h5:/d")),
    ("a.h5:/g/d", .hdf5Dataset(path: "a.h5", dataset: "/g/d")),
    ("dir:x/a.h5:/g/d", .hdf5Dataset(path: "dir:x/a.h5", dataset: "/g/d")),
    ("a.hdf5:/g:/d", .hdf5Dataset(path: "a.hdf5", dataset: "/g:/d")),
    ("d.H5:/a.npz:W", .hdf5Dataset(path: "d.H5", dataset: "/a.npz:W")),
    ("odd:name.npy", .npy(path: "odd:name.npy")),
    ("odd:name.npz", .npz(path: "odd:name.npz")),
    ("odd:name.h5", .hdf5(path: "odd:name.h5")),
    ("a.npz:", .directory(path: "a.npz:")),
    ("some:dir", .directory(path: "some:dir")),
  ])
  func parses(_ text: String, _ location: ArrayLocation) {
    #expect(ArrayLocation(parsing: text) == location)
  }

  @Test func memberNameWithColonsKeepsThemAsArrayName() {
    #expect(ArrayLocation(parsing: "w.npz:kernel:0").arrayName == "kernel:0")
    #expect(ArrayLocation(parsing: "w.npz:kernel:0").description == "w.npz:kernel:0")
  }
}
