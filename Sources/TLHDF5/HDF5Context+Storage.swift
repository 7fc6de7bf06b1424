import CHDF5
import Foundation
import TLArray
import TLSystem

/// How much memory a read may take: no more than the machine has. A dataset's shape comes from
/// the file, so a corrupt or hostile file could otherwise ask for exabytes.
enum HDF5Memory {
  /// The largest array a read allocates: the machine's physical memory
  /// (``TLSystem/Memory/physical``), unlimited where the system does not say.
  static var limit: Int { Memory.physical ?? Int.max }

  /// `8 TiB`, `23.4 GiB`, `512 bytes`.
  static func describe(_ bytes: Int) -> String {
    let units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    guard bytes >= 1024 else { return bytes == 1 ? "1 byte" : "\(bytes) bytes" }
    var value = Double(bytes)
    var unit = -1
    while value >= 1024 && unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    let text = value >= 100 || value == value.rounded() ? String(Int(value.rounded())) : String(format: "%.1f", value)
    return "\(text) \(units[unit])"
  }
}

extension HDF5Context {
  /// The largest chunk libhdf5 writes or reads: 4 GiB minus one byte.
  static let largestChunk = Int(UInt32.max)

  /// Checks, before anything is allocated, that a read of `dataset` (of `dtype`, `shape`,
  /// `byteCount` bytes in memory) asks for what the file can hold and the machine can give:
  /// the array fits in physical memory (a dataset never written, whose every element would be
  /// the fill value, says so); contiguous and compact data the file stores is as large as the
  /// shape needs and, when contiguous, lies inside the file; a chunk shape has the dataset's
  /// rank, no zero extent and at most 4 GiB. Data kept in external raw files and virtual
  /// datasets, which make libhdf5 open other files the dataset names, are refused.
  func checkStorage(
    _ file: HDF5Handle, _ dataset: HDF5Handle, dtype: DType, shape: [Int], byteCount: Int, chunks: [Int]?
  ) throws {
    let plist = try own(
      H5Dget_create_plist(dataset.id), .propertyList, "cannot read the creation properties")
    let layout = H5Pget_layout(plist.id)
    let described = "shape \(Shape.describe(shape)) of \(dtype)"
    if layout == H5D_VIRTUAL {
      throw error("is a virtual dataset, assembled from datasets of other files; tl-run does not read those")
    }
    let external = try check(H5Pget_external_count(plist.id), "cannot count the external files")
    if external > 0 {
      throw error(
        "keeps its data in \(external) external raw file\(external == 1 ? "" : "s"); tl-run reads only data stored in the HDF5 file itself"
      )
    }
    if let chunks { try checkChunkShape(chunks, shape: shape, dtype: dtype) }
    // 0 when nothing is allocated (a dataset never written), and when the call fails.
    let stored = Int(clamping: H5Dget_storage_size(dataset.id))
    H5Eclear2(tlh5_error_default())
    if byteCount > HDF5Memory.limit {
      let needs =
        "its \(described) needs \(HDF5Memory.describe(byteCount)), more than this machine's memory (\(HDF5Memory.describe(HDF5Memory.limit)))"
      if stored == 0 {
        throw error(
          "is never written (the file stores none of its data, which would all be the fill value) and \(needs)")
      }
      throw error(needs)
    }
    guard stored > 0, layout == H5D_CONTIGUOUS || layout == H5D_COMPACT else { return }
    if stored < byteCount {
      throw error(
        "stores \(stored) bytes of data where its \(described) needs \(byteCount); the file is corrupt")
    }
    let address = H5Dget_offset(dataset.id)
    H5Eclear2(tlh5_error_default())
    guard layout == H5D_CONTIGUOUS, address != tlh5_haddr_undef(), let start = Int(exactly: address) else {
      return
    }
    // The offset is from the start of the file, user block included (libhdf5 adds the base
    // address), so a MATLAB v7.3 file's 512 bytes are not counted twice.
    let fileSize = try self.fileSize()
    let (end, overflow) = start.addingReportingOverflow(byteCount)
    if overflow || end > fileSize {
      throw error(
        "its data would end at byte \(overflow ? "beyond \(Int.max)" : String(end)) of a file of \(fileSize) bytes; the file is truncated or corrupt"
      )
    }
  }

  /// A chunk shape must have the dataset's rank, no zero extent, and hold at most 4 GiB.
  private func checkChunkShape(_ chunks: [Int], shape: [Int], dtype: DType) throws {
    let described = "chunk shape \(Shape.describe(chunks))"
    guard chunks.count == shape.count else {
      throw error("\(described) has rank \(chunks.count) where the dataset has \(shape.count); the file is corrupt")
    }
    guard chunks.allSatisfy({ $0 > 0 }) else { throw error("\(described) has a zero extent; the file is corrupt") }
    guard let bytes = Shape.checkedByteCount(chunks, itemSize: dtype.itemSize), bytes <= Self.largestChunk else {
      throw error(
        "\(described) of \(dtype) makes chunks larger than 4 GiB, which libhdf5 never writes; the file is corrupt")
    }
  }

  /// The size of the context's file in bytes.
  func fileSize() throws -> Int {
    guard let status = FileStatus(file) else {
      throw error("cannot read the file's size: \(errnoDescription())")
    }
    return Int(status.size)
  }

  /// The size of the user block before the HDF5 data (addresses in the file are relative to it).
  func userBlockSize(_ file: HDF5Handle) throws -> hsize_t {
    let plist = try own(
      H5Fget_create_plist(file.id), .propertyList, "cannot read the file creation properties")
    var size: hsize_t = 0
    try check(H5Pget_userblock(plist.id, &size), "cannot read the user block size")
    return size
  }
}
