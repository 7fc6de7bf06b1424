import CHDF5
import TLArray

/// What `inspect` shows about one dataset, read from its metadata without reading its data.
public struct HDF5DatasetInfo: Sendable, Equatable {
  /// Full path from the root, `/nested/group/x`.
  public let path: String
  /// The dtype a read returns, or nil for a dataset that holds no numeric array.
  public let dtype: DType?
  /// The stored type: `float32`, `float64 (big-endian)`, or the refused type's name
  /// (`variable-length string`, `compound`).
  public let typeDescription: String
  /// `[]` for a scalar; `[0]` for h5py.Empty (a null dataspace).
  public let shape: [Int]
  /// The chunk shape of a chunked dataset; nil for contiguous and compact ones.
  public let chunks: [Int]?
  /// The filters in pipeline order, by the names the file stores: `shuffle`, `deflate`, `lzf`.
  public let filters: [String]
}

extension HDF5Context {
  /// Paths of the datasets reachable from `group` through hard links.
  func datasetPaths(_ file: HDF5Handle, group: String, visited: inout Set<haddr_t>) throws
    -> [String]
  {
    var found: [String] = []
    for name in try memberNames(file, group: group) {
      let path = group == "/" ? "/\(name)" : "\(group)/\(name)"
      var link = H5L_info_t()
      try check(H5Lget_info(file.id, path, &link, tlh5_default()), "cannot read link \(path)")
      guard link.type == H5L_TYPE_HARD else { continue }
      switch try objectType(file, path) {
      case H5I_DATASET: found.append(path)
      case H5I_GROUP where visited.insert(link.u.address).inserted:
        found += try datasetPaths(file, group: path, visited: &visited)
      default: continue
      }
    }
    return found
  }

  /// The metadata of the dataset at `path`.
  func info(_ file: HDF5Handle, _ path: String) throws -> HDF5DatasetInfo {
    var context = self
    context.dataset = path
    let dataset = try context.openDataset(file, path)
    let type = try context.own(H5Dget_type(dataset.id), .datatype, "cannot read the datatype")
    let classification = HDF5TypeMap.classify(type.id)
    let storage = try context.storage(of: dataset)
    return HDF5DatasetInfo(
      path: HDF5Path.absolute(path), dtype: classification.dtype,
      typeDescription: classification.description, shape: try context.shape(of: dataset),
      chunks: storage.chunks, filters: storage.filters.map(\.name))
  }
}
