import Foundation
import TLArray
import TLFormats
import TLHDF5

extension ArrayIO {
  /// Writes `arrays` to `location`, each file atomically (temporary name, then rename).
  ///
  /// - Parameter protecting: paths that must not be written over (the inputs and references
  ///   of a run); a target equal to one of them is refused before anything is written.
  public static func write(
    _ arrays: [(name: String, array: NDArray)], to location: ArrayLocation, compress: Bool = false,
    protecting: [String] = []
  ) throws {
    let targets = targetFiles(arrays.map(\.name), location)
    let protected = protecting.map(canonical)
    // A target clashes when it is a protected file or lies inside a protected directory.
    let clash = targets.first { target in
      let path = canonical(target)
      return protected.contains { path == $0 || path.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }
    }
    if let clash {
      throw ArrayIOError(path: clash, "refusing to write over an input or reference")
    }
    defer { AtomicFile.finishRemovals() }  // the replaced files are gone when this returns
    switch location {
    case .npy(let path):
      try NPY.write(try single(arrays, location), to: path)
    case .npzMember(let path, let member):
      try NPZ.write([(member, try single(arrays, location))], to: path, compressed: compress)
    case .npz(let path):
      try NPZ.write(arrays, to: path, compressed: compress)
    case .hdf5Dataset(let path, let dataset):
      try HDF5.write(try single(arrays, location), to: path, dataset: dataset, gzipLevel: compress ? 4 : nil)
    case .hdf5(let path):
      try HDF5.writeCollection(arrays, to: path, gzipLevel: compress ? 4 : nil)
    case .directory(let path):
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
      for (name, array) in arrays { try NPY.write(array, to: join(path, name + ".npy")) }
    }
  }

  /// The files a write to `location` creates or replaces.
  public static func targetFiles(_ names: [String], _ location: ArrayLocation) -> [String] {
    if case .directory(let path) = location { return names.map { join(path, $0 + ".npy") } }
    return [location.path]
  }

  /// A path with symlinks and `..` resolved, for comparing whether two paths are one file.
  public static func canonical(_ path: String) -> String {
    URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
  }

  private static func single(_ arrays: [(name: String, array: NDArray)], _ location: ArrayLocation) throws -> NDArray {
    guard arrays.count == 1, let only = arrays.first else {
      throw ArrayIOError(
        path: location.description,
        "names one array but there are \(arrays.count); write them to a directory, an .npz or an .h5")
    }
    return only.array
  }
}
