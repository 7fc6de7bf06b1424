import Foundation
import TLArray
import TLHDF5

/// One row of `tl-run inspect`.
public struct InspectEntry: Sendable {
  public var name: String
  public var dtype: String
  public var shape: [Int]
  /// nil for datasets whose type tl-run refuses (strings, compounds), which are listed only.
  public var statistics: ArrayStatistics?
  /// HDF5 storage details: `chunks (64, 64), gzip, shuffle`; empty elsewhere.
  public var storage: String
}

/// Gathers what `inspect` shows: every array of a file or directory, or one array source.
public enum ArrayInspector {
  public static func inspect(_ location: ArrayLocation) throws -> [InspectEntry] {
    if case .hdf5(let path) = location {
      return try HDF5.datasets(in: path).map { info in try hdf5Entry(info, file: path) }
    }
    if case .hdf5Dataset(let path, let dataset) = location {
      // One named dataset must be readable: a refused type is an error here, not a row.
      let array = try HDF5.read(file: path, dataset: dataset)
      let info = try HDF5.datasetInfo(file: path, dataset: dataset)
      return [
        InspectEntry(
          name: info.path, dtype: array.dtype.rawValue, shape: array.shape, statistics: array.statistics(),
          storage: storageDescription(info).joined(separator: ", "))
      ]
    }
    return try ArrayIO.readAll(location).map { name, array in
      InspectEntry(
        name: name, dtype: array.dtype.rawValue, shape: array.shape, statistics: array.statistics(), storage: "")
    }
  }
}

extension ArrayInspector {
  /// `chunks (64, 64)`, then the filters in pipeline order.
  static func storageDescription(_ info: HDF5DatasetInfo) -> [String] {
    (info.chunks.map { ["chunks \(Shape.describe($0))"] } ?? []) + info.filters
  }

  /// A dataset's row; one tl-run cannot read (a string type, an unavailable filter) is listed
  /// with the reason instead of failing the whole listing.
  static func hdf5Entry(_ info: HDF5DatasetInfo, file: String) throws -> InspectEntry {
    var storage = storageDescription(info)
    guard info.dtype != nil else {
      return InspectEntry(
        name: info.path, dtype: info.typeDescription, shape: info.shape, statistics: nil,
        storage: storage.joined(separator: ", "))
    }
    do {
      let array = try HDF5.read(file: file, dataset: info.path)
      return InspectEntry(
        name: info.path, dtype: array.dtype.rawValue, shape: array.shape, statistics: array.statistics(),
        storage: storage.joined(separator: ", "))
    } catch let error as HDF5Error {
      storage.append("unreadable: \(error.cause)")
      return InspectEntry(
        name: info.path, dtype: info.typeDescription, shape: info.shape, statistics: nil,
        storage: storage.joined(separator: ", "))
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
        e.name, e.dtype, Shape.describe(e.shape), format(s?.min), format(s?.max), format(s?.mean),
        s.map { String($0.nanCount) } ?? "-", s.map { String($0.infCount) } ?? "-", e.storage,
      ]
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
