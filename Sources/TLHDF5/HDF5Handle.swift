import CHDF5

/// An open libhdf5 identifier, closed (under the library lock) when its owner goes away.
final class HDF5Handle {
  /// What the identifier names, which decides the function that closes it.
  enum Kind {
    case file, group, dataset, dataspace, datatype, propertyList
    /// Any object opened by `H5Oopen` (a group, dataset or named datatype).
    case object
  }

  let id: hid_t
  let kind: Kind
  /// The file the identifier belongs to, which a crash while closing it names.
  let file: String?

  /// Takes ownership of `id`, which must be valid (not negative).
  init(_ id: hid_t, _ kind: Kind, file: String? = nil) {
    precondition(id >= 0, "invalid HDF5 identifier \(id) for a \(kind)")
    self.id = id
    self.kind = kind
    self.file = file
  }

  deinit {
    let id = self.id
    let kind = self.kind
    HDF5.withLock(file: file) {
      if kind.close(id) < 0 { H5Eclear2(tlh5_error_default()) }
    }
  }
}

extension HDF5Handle.Kind {
  /// The libhdf5 function that closes an identifier of this kind.
  var close: (hid_t) -> herr_t {
    switch self {
    case .file: H5Fclose
    case .group: H5Gclose
    case .dataset: H5Dclose
    case .dataspace: H5Sclose
    case .datatype: H5Tclose
    case .propertyList: H5Pclose
    case .object: H5Oclose
    }
  }
}
