import CHDF5
import TLArray

/// A filter in a dataset's pipeline, as the file names it.
struct HDF5Filter {
  let id: H5Z_filter_t
  /// The name stored with the filter (`deflate`, `shuffle`, `lzf`), or `filter <id>`.
  let name: String
  /// The filter's client data (`shuffle`: the element size; `deflate`: the level).
  let parameters: [UInt32]
}

extension HDF5Context {
  /// The dataset's shape: `[]` for a scalar dataspace, `[0]` for a null one (h5py.Empty), which
  /// holds no element, where a scalar holds one. A dimension beyond the dataspace's own
  /// maximum is an error: the file is corrupt (newer libhdf5, and so h5py, refuse to open it).
  func shape(of dataset: HDF5Handle) throws -> [Int] {
    let space = try own(H5Dget_space(dataset.id), .dataspace, "cannot read the dataspace")
    switch H5Sget_simple_extent_type(space.id) {
    case H5S_SCALAR: return []
    case H5S_NULL: return [0]
    case H5S_SIMPLE:
      let rank = try check(H5Sget_simple_extent_ndims(space.id), "cannot read the rank")
      // Both buffers hold `rank` dimensions, the rank the library reports for this dataspace.
      var dims = [hsize_t](repeating: 0, count: Int(rank))
      var maxima = [hsize_t](repeating: 0, count: Int(rank))
      try check(H5Sget_simple_extent_dims(space.id, &dims, &maxima), "cannot read the dimensions")
      for (axis, (dim, maximum)) in zip(dims, maxima).enumerated()
      where maximum != hsize_t.max && dim > maximum {
        throw error(
          "dimension \(axis) of the dataspace is \(dim), beyond its stored maximum \(maximum); the file is corrupt")
      }
      return try dims.map { dim in
        guard let size = Int(exactly: dim) else { throw error("dimension \(dim) is too large") }
        return size
      }
    default: throw error("has a dataspace of unknown class")
    }
  }

  /// The chunk shape (nil unless chunked) and the filters, in pipeline order.
  func storage(of dataset: HDF5Handle) throws -> (chunks: [Int]?, filters: [HDF5Filter]) {
    let plist = try own(
      H5Dget_create_plist(dataset.id), .propertyList, "cannot read the creation properties")
    var chunks: [Int]? = nil
    if H5Pget_layout(plist.id) == H5D_CHUNKED {
      let rank = try check(H5Pget_chunk(plist.id, 0, nil), "cannot read the chunk rank")
      var dims = [hsize_t](repeating: 0, count: Int(rank))
      try check(H5Pget_chunk(plist.id, rank, &dims), "cannot read the chunk shape")
      chunks = dims.map { Int(clamping: $0) }
    }
    let count = try check(H5Pget_nfilters(plist.id), "cannot count the filters")
    let filters = try (0..<UInt32(count)).map { index in
      var flags: UInt32 = 0
      var valueCount = 8
      var values = [UInt32](repeating: 0, count: valueCount)
      var config: UInt32 = 0
      var name = [CChar](repeating: 0, count: 256)
      let id = H5Pget_filter2(
        plist.id, index, &flags, &valueCount, &values, name.count, &name, &config)
      try check(id, "cannot read filter \(index)")
      let text = String(cBuffer: name)
      return HDF5Filter(
        id: id, name: text.isEmpty ? "filter \(id)" : text,
        parameters: Array(values.prefix(min(valueCount, values.count))))
    }
    return (chunks, filters)
  }

  /// Throws naming the first filter this libhdf5 cannot run (h5py's `lzf` has no C library
  /// counterpart), before a read fails deep inside the library.
  func checkFiltersAvailable(_ filters: [HDF5Filter]) throws {
    for filter in filters where H5Zfilter_avail(filter.id) <= 0 {
      H5Eclear2(tlh5_error_default())
      throw error(
        "compressed with filter '\(filter.name)' (id \(filter.id)), which libhdf5 \(HDF5.libraryVersion) does not have; rewrite it with gzip"
      )
    }
  }
}
