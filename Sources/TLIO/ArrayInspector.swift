import Foundation
import TLArray
import TLFormats
import TLHDF5

/// One row of `tl-run inspect`.
public struct InspectEntry: Sendable {
  public var name: String
  public var dtype: String
  /// nil when it could not be read.
  public var shape: [Int]?
  /// nil for datasets whose type tl-run refuses (strings, compounds), which are listed only,
  /// and for arrays that cannot be read.
  public var statistics: ArrayStatistics?
  /// HDF5 storage details: `chunks (64, 64), gzip, shuffle`; for a file in a directory that is
  /// not one of its arrays (an `.npz`, an `.h5`), what it is. Empty elsewhere.
  public var storage: String
  /// Why the array could not be read (`CRC mismatch`), nil when it was read or only listed.
  public var unreadable: String?

  public init(
    name: String, dtype: String, shape: [Int]?, statistics: ArrayStatistics?, storage: String,
    unreadable: String? = nil
  ) {
    self.name = name
    self.dtype = dtype
    self.shape = shape
    self.statistics = statistics
    self.storage = storage
    self.unreadable = unreadable
  }

  init(name: String, array: NDArray, storage: String = "") {
    self.init(
      name: name, dtype: array.dtype.rawValue, shape: array.shape, statistics: array.statistics(), storage: storage)
  }

  init(name: String, unreadable error: any Error) {
    self.init(name: name, dtype: "-", shape: nil, statistics: nil, storage: "", unreadable: Self.reason(error))
  }

  /// An error's message without the file name the row already shows.
  static func reason(_ error: any Error) -> String {
    switch error {
    case let error as FormatError: error.message
    case let error as HDF5Error: error.cause
    case let error as ArrayIOError: error.message
    default: "\(error)"
    }
  }
}

/// Gathers what `inspect` shows: every array of a file or directory, or one array source.
///
/// A whole directory, `.npz` or `.h5` is listed in full even when some of its arrays cannot be
/// read: those rows carry the reason (``InspectEntry/unreadable``), and the caller decides the
/// exit status. A directory lists every `.npy` file directly in it (its arrays), and each
/// `.npz`, `.safetensors`, `.h5` or `.hdf5` file (or HDF5 by its signature, `.mat`, `.nc`)
/// beside them as a row of its own, not opened (inspect it by name); hidden files, such as the
/// outputs manifest, and other files are left out.
public enum ArrayInspector {
  public static func inspect(_ location: ArrayLocation) throws -> [InspectEntry] {
    let location = location.recognizingHDF5()
    switch location {
    case .hdf5(let path):
      try ArrayIO.requireRegularFile(path)
      return try HDF5.datasets(in: path).map { info in try hdf5Entry(info, file: path) }
    case .hdf5Dataset(let path, let dataset):
      // One named dataset must be readable: a refused type is an error here, not a row.
      try ArrayIO.requireRegularFile(path)
      let array = try HDF5.read(file: path, dataset: dataset)
      let info = try HDF5.datasetInfo(file: path, dataset: dataset)
      return [InspectEntry(name: info.path, array: array, storage: storageDescription(info).joined(separator: ", "))]
    case .npz(let path):
      return try NPZ.readEach(path: path).map { member, array in
        do { return InspectEntry(name: member, array: try array.get()) } catch {
          return InspectEntry(name: member, unreadable: error)
        }
      }
    case .safetensors(let path):
      return try SafeTensors.readEach(path: path).map { entry, array in
        do { return InspectEntry(name: entry.name, array: try array.get()) } catch {
          return InspectEntry(
            name: entry.name, dtype: entry.dtypeName, shape: entry.shape, statistics: nil, storage: "",
            unreadable: InspectEntry.reason(error))
        }
      }
    case .directory(let path):
      return try directoryEntries(path)
    case .npy, .npzMember, .safetensorsTensor:
      return try ArrayIO.readAll(location).map { name, array in InspectEntry(name: name, array: array) }
    }
  }

  /// The rows of a directory: its `.npy` arrays, then its other array files, each sorted.
  static func directoryEntries(_ path: String) throws -> [InspectEntry] {
    let arrays = try ArrayIO.npyFiles(in: path).map { name in
      do { return InspectEntry(name: name, array: try NPY.read(path: ArrayIO.join(path, name + ".npy"))) } catch {
        return InspectEntry(name: name, unreadable: error)
      }
    }
    let others = try FileManager.default.contentsOfDirectory(atPath: path).filter { name in
      let location = ArrayLocation(parsing: name)
      guard !name.hasPrefix(".") else { return false }
      switch location.recognizingHDF5(lookingIn: [path]) {
      case .npz, .hdf5, .safetensors: return true
      default: return false
      }
    }.sorted()
    return arrays
      + others.map { name in
        InspectEntry(
          name: name, dtype: "-", shape: nil, statistics: nil,
          storage: "a file of arrays, not one of the directory's: tl-run inspect \(ArrayIO.join(path, name))")
      }
  }
}

extension ArrayInspector {
  /// `chunks (64, 64)`, then the filters in pipeline order.
  static func storageDescription(_ info: HDF5DatasetInfo) -> [String] {
    (info.chunks.map { ["chunks \(Shape.describe($0))"] } ?? []) + info.filters
  }

  /// A dataset's row; one tl-run cannot read (a string type, an unavailable filter) is listed
  /// with the reason instead of failing the whole listing, and counts as unreadable, as it
  /// would be in a reference.
  static func hdf5Entry(_ info: HDF5DatasetInfo, file: String) throws -> InspectEntry {
    let storage = storageDescription(info).joined(separator: ", ")
    guard info.dtype != nil else {
      return InspectEntry(
        name: info.path, dtype: info.typeDescription, shape: info.shape, statistics: nil, storage: storage,
        unreadable: "\(info.typeDescription) is not a numeric type tl-run reads")
    }
    do {
      return InspectEntry(name: info.path, array: try HDF5.read(file: file, dataset: info.path), storage: storage)
    } catch let error as HDF5Error {
      return InspectEntry(
        name: info.path, dtype: info.typeDescription, shape: info.shape, statistics: nil, storage: storage,
        unreadable: error.cause)
    }
  }
}

/// The text table of `inspect`: aligned columns, numbers in `%.6g`.
public enum InspectTable {
  public static func render(_ entries: [InspectEntry]) -> String {
    let header = ["NAME", "DTYPE", "SHAPE", "MIN", "MAX", "MEAN", "NaN", "Inf", "STORAGE"]
    let rows = entries.map { e -> [String] in
      let s = e.statistics
      return [
        e.name, e.dtype, e.shape.map(Shape.describe) ?? "-", format(s?.min), format(s?.max), format(s?.mean),
        s.map { String($0.nanCount) } ?? "-", s.map { String($0.infCount) } ?? "-",
        ([e.storage].filter { !$0.isEmpty } + (e.unreadable.map { ["unreadable: \($0)"] } ?? []))
          .joined(separator: ", "),
      ].map(TerminalText.escaped)  // names and reasons come from files
    }
    let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
    return ([header] + rows).map { row in
      row.indices.map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
        .joined(separator: "  ").trimmingTrailingSpaces()
    }.joined(separator: "\n")
  }

  static func format(_ value: Double?) -> String {
    guard let value else { return "-" }
    if value.isNaN { return "nan" }
    if value.isInfinite { return value > 0 ? "inf" : "-inf" }
    return String(format: "%.6g", value)
  }
}

extension String {
  fileprivate func trimmingTrailingSpaces() -> String {
    var s = self
    while s.last == " " { s.removeLast() }
    return s
  }
}
