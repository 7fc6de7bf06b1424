import Foundation
import TLHDF5
import TLTestSupport
import Testing

private let data = Fixtures.path("h5/data.h5")

/// Each failure names the file and dataset and says why, on one line, in the library's words
/// where the cause comes from libhdf5.
@Test(arguments: [
  (data, "/nested/grp/x", "not found: group /nested has no member 'grp' (members: group)"),
  (data, "/missing", "not found: group / has no member 'missing' (members: bool, chunked_int64,"),
  (data, "/nested", "is a group, not a dataset (members: group)"),
  (data, "/", "is the root group, not a dataset"),
  (data, "/ints/int8/z", "/ints/int8 is a dataset, not a group"),
  (data, "/strings/vlen", "holds non-numeric type 'variable-length string'"),
  (data, "/strings/fixed", "holds non-numeric type 'fixed-length string of 3 bytes'"),
  (data, "/compound", "holds non-numeric type 'compound'"),
  (data, "/vlen", "holds non-numeric type 'variable-length sequence'"),
  (data, "/enum", "holds non-numeric type 'enum of 3 members'"),
  (data, "/lzf", "compressed with filter 'lzf' (id 32000), which libhdf5"),
])
func readErrorsNameFileDatasetAndCause(file: String, dataset: String, cause: String) {
  #expect {
    try HDF5.read(file: file, dataset: dataset)
  } throws: { error in
    guard let error = error as? HDF5Error else { return false }
    let text = error.description
    return text.hasPrefix("HDF5 \(file):\(dataset): ") && text.contains(cause)
      && !text.contains("\n")
  }
}

/// Files that cannot be opened, in the library's words where it has them.
@Test(arguments: [
  ("h5/absent.h5", "no such file"),
  (
    "h5/truncated.h5",
    "cannot open the file: truncated file: eof = 16828, sblock->base_addr = 0, stored_eof = 33656 (file has been truncated)"
  ),
  ("h5/not_hdf5.h5", "cannot open the file: file signature not found (not an hdf5 file)"),
])
func openErrorsNameFileAndCause(fixture: String, cause: String) {
  let file = Fixtures.path(fixture)
  #expect(throws: HDF5Error(file: file, cause: cause)) {
    try HDF5.read(file: file, dataset: "/x")
  }
}

@Test func listingAFileThatIsNotHDF5Fails() {
  let file = Fixtures.path("h5/not_hdf5.h5")
  #expect {
    try HDF5.datasets(in: file)
  } throws: { error in
    (error as? HDF5Error)?.description
      == "HDF5 \(file): cannot open the file: file signature not found (not an hdf5 file)"
  }
}
