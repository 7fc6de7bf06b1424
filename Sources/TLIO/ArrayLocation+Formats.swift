import Foundation
import TLSystem

extension ArrayLocation {
  /// The HDF5 format signature, `\x89HDF\r\n\x1a\n`.
  static let hdf5Signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]

  /// Whether `path` is a regular file (symlinks followed) holding the HDF5 signature at offset
  /// 0 or at a user-block boundary, 512, 1024, 2048, … (where libhdf5 looks for the superblock:
  /// MATLAB v7.3 writes a 512-byte user block before it). A FIFO or device is never opened.
  public static func hasHDF5Signature(_ path: String) -> Bool {
    guard FileKind.of(path) == .regular else { return false }
    let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    guard let status = FileStatus(descriptor: descriptor), status.kind == .regular else { return false }
    let size = Int(status.size)
    var buffer = [UInt8](repeating: 0, count: hdf5Signature.count)
    var offset = 0
    while offset <= size - buffer.count {
      let got = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(offset)) }
      if got == buffer.count && buffer == hdf5Signature { return true }
      offset = offset == 0 ? 512 : offset * 2
    }
    return false
  }

  /// This location, with a file its extension did not place (it parsed as a directory) taken
  /// as HDF5 when its signature says so, whatever the extension (a MATLAB v7.3 `.mat`, a
  /// netCDF-4 `.nc`): the whole file (`w.mat`), or one dataset after the first `:` that follows
  /// such a file's name (`w.mat:/A`; `w.nc:temperature` is `/temperature`, from the root as for
  /// `.h5`). A relative path is looked for in each of `directories` in turn (the current
  /// directory when none is given) and stays relative. An existing directory, and every other
  /// location, is returned unchanged.
  public func recognizingHDF5(lookingIn directories: [String] = []) -> ArrayLocation {
    guard case .directory(let text) = self else { return self }
    let places = directories.isEmpty ? [""] : directories
    func onDisk(_ file: String) -> [String] {
      file.hasPrefix("/") ? [file] : places.map { $0.isEmpty ? file : ArrayIO.join($0, file) }
    }
    if let found = onDisk(text).first(where: { FileKind.of($0) != nil }) {
      return Self.hasHDF5Signature(found) ? .hdf5(path: text) : self
    }
    var searchFrom = text.startIndex
    while let colon = text[searchFrom...].firstIndex(of: ":") {
      let file = String(text[..<colon])
      let rest = String(text[text.index(after: colon)...])
      if !file.isEmpty, !rest.isEmpty,
        let found = onDisk(file).first(where: { FileKind.of($0) != nil }),
        Self.hasHDF5Signature(found)
      {
        return .hdf5Dataset(path: file, dataset: rest.hasPrefix("/") ? rest : "/" + rest)
      }
      searchFrom = text.index(after: colon)
    }
    return self
  }
}
