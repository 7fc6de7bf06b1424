import Foundation
import TLArray
import TLFormats
import TLHDF5

/// Reads and writes arrays at any ``ArrayLocation``, choosing the format reader by location.
public enum ArrayIO {
  /// One array. A whole `.npz`, `.h5` or directory is accepted only if it holds exactly one.
  public static func read(_ location: ArrayLocation) throws -> NDArray {
    switch location {
    case .npy(let path):
      return try NPY.read(path: path)
    case .npzMember(let path, let member):
      return try NPZ.read(path: path, member: member)
    case .hdf5Dataset(let path, let dataset):
      return try HDF5.read(file: path, dataset: dataset)
    case .directory, .npz, .hdf5:
      let all = try readAll(location)
      guard all.count == 1, let only = all.first else {
        throw ArrayIOError(
          path: location.path,
          "holds \(all.count) arrays; name one (\(example(location, all.first?.name ?? "NAME")))")
      }
      return only.array
    }
  }

  /// Every array at `location`, by result name (a single source gives one entry).
  public static func readAll(_ location: ArrayLocation) throws -> [(name: String, array: NDArray)] {
    switch location {
    case .npy, .npzMember, .hdf5Dataset:
      return [(location.arrayName, try read(location))]
    case .npz(let path):
      return try NPZ.readAll(path: path)
    case .hdf5(let path):
      return try HDF5.datasets(in: path).map { info in
        (ArrayNames.fromHDF5(info.path), try HDF5.read(file: path, dataset: info.path))
      }
    case .directory(let path):
      return try npyFiles(in: path).map { name in (name, try NPY.read(path: join(path, name + ".npy"))) }
    }
  }

  /// The names (`NAME` for `NAME.npy`) of the `.npy` files directly in `directory`, sorted.
  public static func npyFiles(in directory: String) throws -> [String] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
      throw ArrayIOError(path: directory, "no such file or directory")
    }
    guard isDirectory.boolValue else {
      throw ArrayIOError(path: directory, "not a .npy, .npz or .h5 file, nor a directory of .npy files")
    }
    let entries = try FileManager.default.contentsOfDirectory(atPath: directory)
    return entries.filter { $0.hasSuffix(".npy") }.map { String($0.dropLast(4)) }.sorted()
  }

  /// `directory/name`.
  public static func join(_ directory: String, _ name: String) -> String {
    (directory as NSString).appendingPathComponent(name)
  }

  private static func example(_ location: ArrayLocation, _ name: String) -> String {
    switch location {
    case .npz(let p): "\(p):\(name)"
    case .hdf5(let p): "\(p):\(ArrayNames.toHDF5(name))"
    default: join(location.path, name + ".npy")
    }
  }
}
