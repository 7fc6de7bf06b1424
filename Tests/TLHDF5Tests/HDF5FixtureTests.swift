import Foundation
import TLArray
import TLFormats
import TLHDF5
import TLTestSupport
import Testing

/// The numeric datasets of testdata/h5/data.h5 that plain libhdf5 can read (not lzf), from
/// h5py's own listing.
private func readableDatasets() throws -> [String] {
  struct Entry: Decodable {
    let path: String
    let dtype: String?
    let filters: [String]
  }
  let json = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("h5/data_listing.json")))
  return try JSONDecoder().decode([Entry].self, from: json)
    .filter { $0.dtype != nil && !$0.filters.contains("lzf") }.map(\.path)
}

/// Every numeric dataset (every integer width, float16/32/64 in either byte order, bool,
/// scalars, empty and null, contiguous, compact and chunked with gzip and shuffle) reads with
/// exactly the dtype, shape and values NumPy saved from h5py's read of it.
@Test(arguments: try readableDatasets())
func readsWhatH5pyReads(path: String) throws {
  let array = try HDF5.read(file: Fixtures.path("h5/data.h5"), dataset: path)
  let twin = Fixtures.path(
    "h5/npy/" + path.dropFirst().replacingOccurrences(of: "/", with: "__") + ".npy")
  let expected = try NPY.read(path: twin)
  expectAllClose(array, expected, rtol: 0, atol: 0, path)
  #expect(array.dtype == expected.dtype && array.shape == expected.shape, "\(path)")
}
