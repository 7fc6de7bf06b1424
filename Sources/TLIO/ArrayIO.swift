import Foundation
import TLArray
import TLFormats
import TLHDF5
import TLSystem

/// Reads and writes arrays at any ``ArrayLocation``, choosing the format reader by location.
public enum ArrayIO {
  /// One array. A whole `.npz`, `.safetensors`, `.h5` or directory is accepted only if it
  /// holds exactly one. A file of another extension is read as HDF5 when its signature says so
  /// (``ArrayLocation/recognizingHDF5(lookingIn:)``).
  public static func read(_ location: ArrayLocation) throws -> NDArray {
    let location = location.recognizingHDF5()
    switch location {
    case .npy(let path):
      return try NPY.read(path: path)
    case .npzMember(let path, let member):
      return try NPZ.read(path: path, member: member)
    case .hdf5Dataset(let path, let dataset):
      try requireRegularFile(path)
      return try HDF5.read(file: path, dataset: dataset)
    case .safetensorsTensor(let path, let name):
      return try SafeTensors.read(path: path, name: name)
    case .directory, .npz, .hdf5, .safetensors:
      let all = try readAll(location)
      guard all.count == 1, let only = all.first else {
        throw ArrayIOError(
          path: location.path,
          "holds \(all.count) arrays; name one (\(example(location, all.first?.name ?? "NAME")))")
      }
      return only.array
    }
  }

  /// Every array at `location`, by result name (a single source gives one entry). Nothing a
  /// collection holds is left out silently: a member or dataset that cannot be read throws
  /// naming the file and it, and so do two arrays that would get one result name (an HDF5
  /// dataset `/a.b` beside `/a/b`, files `x.npy` and `x.NPY`), where one would shadow the other.
  /// See ``NPZ/readAll(path:)``, ``SafeTensors/readAll(path:)``, ``HDF5/datasets(in:)`` and
  /// ``npyFiles(in:)`` for what each kind of collection holds.
  public static func readAll(_ location: ArrayLocation) throws -> [(name: String, array: NDArray)] {
    let location = location.recognizingHDF5()
    switch location {
    case .npy, .npzMember, .hdf5Dataset, .safetensorsTensor:
      return [(location.arrayName, try read(location))]
    case .npz(let path):
      return try NPZ.readAll(path: path)
    case .safetensors(let path):
      return try SafeTensors.readAll(path: path)
    case .hdf5(let path):
      try requireRegularFile(path)
      let datasets = try HDF5.datasets(in: path).map(\.path)
      var first: [String: String] = [:]
      for dataset in datasets {
        let name = ArrayNames.fromHDF5(dataset)
        if let other = first[name] {
          throw HDF5Error(
            file: path, dataset: dataset,
            cause:
              "has the result name '\(name)', as \(other) has (a dot in a name stands for a group); rename one"
          )
        }
        first[name] = dataset
      }
      return try datasets.map { dataset in
        (ArrayNames.fromHDF5(dataset), try HDF5.read(file: path, dataset: dataset))
      }
    case .directory(let path):
      return try npyFileNames(in: path).map { name, file in
        (name, try NPY.read(path: join(path, file)))
      }
    }
  }

  /// The names (`NAME` for `NAME.npy`) of the `.npy` files directly in `directory`, sorted.
  /// The extension is matched case-insensitively (`x.NPY` is array `x`, as `np.load` reads any
  /// name), so two files differing only in its case (`x.npy`, `x.NPY`) throw rather than
  /// one shadowing the other. Every entry so named is an array: a subdirectory named `y.npy`,
  /// a dangling symlink or a file that is no `.npy` throws when read; symlinks are followed.
  /// Other files (`.npz`, `.h5`, text) are not part of the collection.
  public static func npyFiles(in directory: String) throws -> [String] {
    try npyFileNames(in: directory).map(\.name)
  }

  /// The array names with the file names they come from, sorted by array name.
  static func npyFileNames(in directory: String) throws -> [(name: String, file: String)] {
    guard let kind = FileKind.of(directory) else {
      throw ArrayIOError(path: directory, "no such file or directory")
    }
    guard kind == .directory else {
      throw ArrayIOError(
        path: directory,
        "not a .npy, .npz or .h5 file, nor a directory of .npy files (nor a .safetensors file, nor HDF5 by its signature)"
      )
    }
    let entries = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    var found: [String: String] = [:]
    for entry in entries where entry.lowercased().hasSuffix(".npy") {
      let name = String(entry.dropLast(4))
      if let other = found[name] {
        throw ArrayIOError(
          path: join(directory, entry), "has the array name '\(name)', as \(other) has; rename one")
      }
      found[name] = entry
    }
    return found.map { (name: $0.key, file: $0.value) }.sorted { $0.name < $1.name }
  }

  /// Throws unless `path` is a regular file (symlinks followed) or does not exist (the reader
  /// then says so): libhdf5 opens a FIFO and waits for a writer for ever, a device it reads
  /// without end. (`.npy` and `.npz` files are checked by their readers.)
  public static func requireRegularFile(_ path: String) throws {
    switch FileKind.of(path) {
    case nil, .regular: return
    case .directory: throw ArrayIOError(path: path, "is a directory, not an HDF5 file")
    case let kind?: throw ArrayIOError(path: path, kind.refusal(expected: "a regular file"))
    }
  }

  /// `directory/name`.
  public static func join(_ directory: String, _ name: String) -> String {
    (directory as NSString).appendingPathComponent(name)
  }

  private static func example(_ location: ArrayLocation, _ name: String) -> String {
    switch location {
    case .npz(let p), .safetensors(let p): "\(p):\(name)"
    case .hdf5(let p): "\(p):\(ArrayNames.toHDF5(name))"
    default: join(location.path, name + ".npy")
    }
  }
}
