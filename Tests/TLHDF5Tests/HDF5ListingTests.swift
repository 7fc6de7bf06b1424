import Foundation
import TLArray
import TLHDF5
import TLTestSupport
import Testing

/// One dataset as h5py described it (testdata/h5/data_listing.json).
private struct H5pyEntry: Decodable {
  let path: String
  let dtype: String?
  let shape: [Int]
  let chunks: [Int]?
  let filters: [String]
}

/// The listing has every dataset h5py's `visititems` finds, and no attribute, sorted by path,
/// with the dtype, shape, chunks and filters h5py reports.
@Test func listsEveryDatasetAsH5pyDoes() throws {
  let json = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("h5/data_listing.json")))
  let expected = try JSONDecoder().decode([H5pyEntry].self, from: json)
  let listed = try HDF5.datasets(in: Fixtures.path("h5/data.h5"))
  #expect(listed.map(\.path) == expected.map(\.path))
  for (info, entry) in zip(listed, expected) {
    #expect(info.dtype == entry.dtype.flatMap(DType.init(name:)), "\(entry.path)")
    #expect(info.shape == entry.shape, "\(entry.path)")
    #expect(info.chunks == entry.chunks, "\(entry.path)")
    #expect(info.filters == entry.filters, "\(entry.path)")
  }
}

/// The stored type as `inspect` shows it, byte order included.
@Test(arguments: [
  ("/float64_be", "float64 (big-endian)"), ("/gzip_shuffle", "float32"), ("/bool", "bool"),
  ("/ints_be/uint32", "uint32 (big-endian)"), ("/strings/vlen", "variable-length string"),
  ("/compound", "compound"), ("/enum", "enum of 3 members"),
])
func typeDescriptions(path: String, description: String) throws {
  let info = try HDF5.datasetInfo(file: Fixtures.path("h5/data.h5"), dataset: path)
  #expect(info.typeDescription == description)
}
