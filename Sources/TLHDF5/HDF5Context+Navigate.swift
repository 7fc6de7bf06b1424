import CHDF5
import Foundation
import TLSystem

extension HDF5Context {
  /// Opens the file `path` (the context's own file unless given), read-only unless `writable`.
  /// Only a regular file (or a symbolic link to one) is handed to the library: a FIFO would
  /// block its open forever, and a directory or device is no HDF5 file.
  func openFile(_ path: String? = nil, writable: Bool = false) throws -> HDF5Handle {
    let flags = writable ? tlh5_acc_rdwr() : tlh5_acc_rdonly()
    try checkRegularFile(path ?? file)
    return try own(H5Fopen(path ?? file, flags, tlh5_default()), .file, "cannot open the file")
  }

  /// Throws unless `path` is a regular file, after following symbolic links.
  func checkRegularFile(_ path: String) throws {
    guard let kind = FileKind.of(path) else {
      // The library's own message for a missing file is a dump of its open flags.
      throw error(errno == ENOENT ? "no such file" : "cannot open the file: \(errnoDescription())")
    }
    guard kind == .regular else { throw error(kind.refusal(expected: "an HDF5 file")) }
  }

  /// Opens the dataset at `path`, or throws naming the deepest group on the way that exists.
  func openDataset(_ file: HDF5Handle, _ path: String) throws -> HDF5Handle {
    let names = HDF5Path.components(path)
    guard !names.isEmpty else { throw error("is the root group, not a dataset") }
    var group = "/"
    for (depth, name) in names.enumerated() {
      let next = group == "/" ? "/\(name)" : "\(group)/\(name)"
      guard try linkExists(file, next) else {
        throw error(
          "not found: group \(group) has no member '\(name)' (\(try membersSummary(file, group)))")
      }
      var link = H5L_info_t()
      try check(H5Lget_info(file.id, next, &link, HDF5ExternalLinks.access), "cannot read link \(next)")
      try checkLinkValue(file, next, link)
      let type = try objectType(file, next)
      if depth == names.count - 1 {
        guard type == H5I_DATASET else {
          let members = type == H5I_GROUP ? " (\(try membersSummary(file, next)))" : ""
          throw error("is a \(typeName(type)), not a dataset\(members)")
        }
        return try own(H5Dopen2(file.id, next, tlh5_default()), .dataset, "cannot open the dataset")
      }
      guard type == H5I_GROUP else { throw error("\(next) is a \(typeName(type)), not a group") }
      group = next
    }
    preconditionFailure("unreachable: the loop returns at the last name")
  }

  /// Whether a link `path` exists; every group before its last name must exist.
  func linkExists(_ file: HDF5Handle, _ path: String) throws -> Bool {
    try check(H5Lexists(file.id, path, HDF5ExternalLinks.access), "cannot look up \(path)") > 0
  }

  /// What the object at `path` is: `H5I_GROUP`, `H5I_DATASET` or `H5I_DATATYPE`.
  func objectType(_ file: HDF5Handle, _ path: String) throws -> H5I_type_t {
    let object = try own(H5Oopen(file.id, path, HDF5ExternalLinks.access), .object, "cannot open \(path)")
    return H5Iget_type(object.id)
  }

  private func typeName(_ type: H5I_type_t) -> String {
    switch type {
    case H5I_GROUP: "group"
    case H5I_DATASET: "dataset"
    case H5I_DATATYPE: "named datatype"
    default: "object of identifier type \(type.rawValue)"
    }
  }

  /// The names of the links in the group at `path`, in name order.
  func memberNames(_ file: HDF5Handle, group path: String) throws -> [String] {
    let group = try own(
      H5Gopen2(file.id, path, tlh5_default()), .group, "cannot open group \(path)")
    var info = H5G_info_t()
    try check(H5Gget_info(group.id, &info), "cannot list group \(path)")
    // Every link takes bytes of the file: a count beyond its size is a corrupt group, whose
    // names libhdf5 would try to allocate (hdf5 fuzz finding: out of memory).
    var fileSize: hsize_t = 0
    try check(H5Fget_filesize(file.id, &fileSize), "cannot read the file's size")
    guard info.nlinks <= fileSize else {
      throw error("corrupt group \(path): it claims \(info.nlinks) links in a file of \(fileSize) bytes")
    }
    return try (0..<info.nlinks).map { index in
      let doing = "cannot read link \(index) of group \(path)"
      let length = try check(
        H5Lget_name_by_idx(
          group.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, tlh5_default()), doing)
      var buffer = [CChar](repeating: 0, count: Int(length) + 1)
      try check(
        H5Lget_name_by_idx(
          group.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count, tlh5_default()),
        doing)
      return String(cBuffer: buffer)
    }
  }

  /// `members: a, b, c` (at most eight named), or `it is empty`, for messages.
  private func membersSummary(_ file: HDF5Handle, _ group: String) throws -> String {
    let names = try memberNames(file, group: group)
    guard !names.isEmpty else { return "it is empty" }
    let shown = names.prefix(8).joined(separator: ", ")
    return "members: " + shown + (names.count > 8 ? ", … (\(names.count) in all)" : "")
  }
}
