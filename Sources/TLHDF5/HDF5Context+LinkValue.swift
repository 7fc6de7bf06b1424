import CHDF5

extension HDF5Context {
  /// A soft or external link `path` (its `link` info) must store a value its kind can be
  /// followed by: a path ending in its terminator for a soft link; after a flags byte, a file
  /// name and an object path, each ending in one, for an external link. libhdf5 1.10.8 takes
  /// their lengths with `strlen` while following the link: a value without them made it read
  /// past the end of its buffer (a heap overflow found by fuzzing, under `H5Oexists_by_name`),
  /// and whatever followed would have named the file to open. Throws naming the link, before
  /// anything follows it; other links pass.
  func checkLinkValue(_ file: HDF5Handle, _ path: String, _ link: H5L_info_t) throws {
    let external = link.type == H5L_TYPE_EXTERNAL
    guard external || link.type == H5L_TYPE_SOFT else { return }
    let kind = external ? "external link" : "soft link"
    let size = link.u.val_size
    guard size > 0, size <= (try fileSize()) else {
      throw error("\(kind) \(path) stores a value of \(size) bytes; the file is corrupt")
    }
    var value = [UInt8](repeating: 0xFF, count: size)
    guard H5Lget_val(file.id, path, &value, size, tlh5_default()) >= 0 else {
      _ = HDF5ErrorStack.take()
      throw error("cannot read the value of \(kind) \(path)")
    }
    let names = external ? value.dropFirst() : value[...]
    let terminators = names.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
    guard value[size - 1] == 0, terminators >= (external ? 2 : 1) else {
      let what = external ? "a file name and an object path" : "a path"
      throw error("\(kind) \(path) stores \(what) without the terminating zero byte; the file is corrupt")
    }
  }
}
