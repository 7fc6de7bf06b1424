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
  /// Paths of the datasets reachable from `group`, under every name a link gives them: hard
  /// links, soft links and external links that lead to a dataset. A link that leads nowhere
  /// (a dangling soft link, an external link whose file or object is missing), an external
  /// link to a group and a link of a user-defined type throw naming the link, since what they
  /// hide could be an array. A group is walked once, under its first name: a second hard link
  /// or a soft link to a group adds no names (its datasets are listed under the first, and a
  /// group linked into itself ends the walk). Named datatypes are not datasets.
  func datasetPaths(_ file: HDF5Handle, group: String, visited: inout Set<haddr_t>) throws
    -> [String]
  {
    var found: [String] = []
    for name in try memberNames(file, group: group) {
      let path = group == "/" ? "/\(name)" : "\(group)/\(name)"
      var link = H5L_info_t()
      try check(H5Lget_info(file.id, path, &link, HDF5ExternalLinks.access), "cannot read link \(path)")
      switch link.type {
      case H5L_TYPE_HARD:
        switch try objectType(file, path) {
        case H5I_DATASET: found.append(path)
        case H5I_GROUP where visited.insert(link.u.address).inserted:
          found += try datasetPaths(file, group: path, visited: &visited)
        default: continue
        }
      case H5L_TYPE_SOFT, H5L_TYPE_EXTERNAL:
        let external = link.type == H5L_TYPE_EXTERNAL
        let kind = external ? "external link" : "soft link"
        var scoped = self
        scoped.dataset = path
        try scoped.checkLinkValue(file, path, link)  // before anything reads or follows the value
        let target = linkTarget(file, path, link)
        let exists = H5Oexists_by_name(file.id, path, HDF5ExternalLinks.access)
        if let refusal = HDF5ExternalLinks.refusal {
          HDF5ExternalLinks.refusal = nil
          _ = HDF5ErrorStack.take()
          throw scoped.error(refusal)
        }
        guard exists > 0 else {
          _ = HDF5ErrorStack.take()
          throw scoped.error("\(kind) to \(target) leads to nothing; what it names cannot be read")
        }
        switch try objectType(file, path) {
        case H5I_DATASET: found.append(path)
        case H5I_GROUP where external:
          throw scoped.error(
            "external link to group \(target) is not followed; name its datasets one by one")
        default: continue  // a soft link to a group walked under its own name, a named datatype
        }
      default:
        var scoped = self
        scoped.dataset = path
        throw scoped.error("link of user-defined type \(link.type.rawValue) cannot be followed")
      }
    }
    return found
  }

  /// `/g/b` for a soft link, `other.h5:/W` for an external one, for messages.
  private func linkTarget(_ file: HDF5Handle, _ path: String, _ link: H5L_info_t) -> String {
    let size = link.u.val_size
    guard size > 0 else { return "?" }
    var buffer = [CChar](repeating: 0, count: size + 1)
    guard H5Lget_val(file.id, path, &buffer, size, tlh5_default()) >= 0 else {
      _ = HDF5ErrorStack.take()
      return "?"
    }
    guard link.type == H5L_TYPE_EXTERNAL else { return String(cBuffer: buffer) }
    var flags: UInt32 = 0
    var targetFile: UnsafePointer<CChar>?
    var targetObject: UnsafePointer<CChar>?
    guard H5Lunpack_elink_val(&buffer, size, &flags, &targetFile, &targetObject) >= 0,
      let targetFile, let targetObject
    else {
      _ = HDF5ErrorStack.take()
      return "?"
    }
    return "\(String(cString: targetFile)):\(String(cString: targetObject))"
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
