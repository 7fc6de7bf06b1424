import Foundation
import TLArray
import TLFormats
import TLHDF5
import TLSystem

/// What happens to the arrays a target already holds when arrays are written to it.
public enum WriteMode: Sendable, Equatable {
  /// Arrays of the same name are replaced, every other array the target holds is kept: the
  /// other `.npy` files of a directory, the other members of an `.npz`, the other datasets of
  /// an `.h5`. What `tl-run convert` does by default.
  case merge
  /// The target ends up holding exactly the arrays written: an `.npz` or `.h5` is written
  /// anew, and every other `.npy` file directly in a directory is removed (other files in it
  /// are not arrays and stay). What `tl-run convert --replace` does.
  case replace
  /// A run's outputs: an `.npz` or `.h5` is written anew, as for ``replace``. In a directory
  /// the run's `.npy` files are written, then the `.npy` files that the previous run listed in
  /// the directory's ``OutputsManifest`` and this run did not write are removed (only while
  /// they are still the regular files tl-run wrote: same size, modification time and inode),
  /// and the manifest is rewritten to list this run's files. A file tl-run did not write is
  /// never removed.
  case runOutputs
}

extension ArrayIO {
  /// Writes `arrays` to `location`, each file atomically (temporary name, then rename), and
  /// deals with the arrays already there as `mode` says.
  ///
  /// - Parameter protecting: paths that must not be written over (the inputs and references
  ///   of a run); a target equal to one of them is refused before anything is written, and
  ///   ``WriteMode/runOutputs`` never removes one.
  public static func write(
    _ arrays: [(name: String, array: NDArray)], to location: ArrayLocation, compress: Bool = false,
    protecting: [String] = [], mode: WriteMode = .merge
  ) throws {
    try checkNames(arrays.map(\.name), location)
    let targets = targetFiles(arrays.map(\.name), location)
    let protected = protecting.map(canonical)
    if let clash = targets.first(where: { isProtected($0, protected) }) {
      // Named as what it is: the file itself, or the directory (the reference's) it would be
      // written into.
      if !protected.contains(canonical(clash)), let directory = protected.first(where: { isProtected(clash, [$0]) }) {
        throw ArrayIOError(
          path: (clash as NSString).standardizingPath,
          "refusing to write into \(directory), a reference or input directory of the run")
      }
      throw ArrayIOError(path: (clash as NSString).standardizingPath, "refusing to write over an input or reference")
    }
    defer { AtomicFile.finishRemovals() }  // the replaced files are gone when this returns
    let fresh = mode != .merge
    switch location {
    case .npy(let path):
      AtomicFile.removeStaleTemporaries(besides: path)
      try NPY.write(try single(arrays, location), to: path)
    case .npzMember(let path, let member):
      let array = [(member, try single(arrays, location))]
      if fresh {
        try NPZ.write(array, to: path, compressed: compress)
      } else {
        try NPZ.merge(array, into: path, compressed: compress)
      }
    case .npz(let path):
      if fresh {
        try NPZ.write(arrays, to: path, compressed: compress)
      } else {
        try NPZ.merge(arrays, into: path, compressed: compress)
      }
    case .hdf5Dataset(let path, let dataset):
      try HDF5.write(
        try single(arrays, location), to: path, dataset: dataset, gzipLevel: compress ? 4 : nil,
        replacingFile: fresh)
    case .hdf5(let path):
      let datasets = arrays.map { (path: ArrayNames.toHDF5($0.name), array: $0.array) }
      try HDF5.write(datasets: datasets, to: path, gzipLevel: compress ? 4 : nil, replacingFile: fresh)
    case .safetensorsTensor(let path, let name):
      let array = [(name, try single(arrays, location))]
      try fresh ? SafeTensors.write(array, to: path) : SafeTensors.merge(array, into: path)
    case .safetensors(let path):
      try fresh ? SafeTensors.write(arrays, to: path) : SafeTensors.merge(arrays, into: path)
    case .directory(let path):
      try writeDirectory(arrays, to: path, protected: protected, mode: mode)
    }
  }

  /// Refuses, before anything is written, names that could write outside `location` or
  /// silently become another name there: in a directory, a name that is not one plain file
  /// name (``ArrayNameCheck/fileNameProblem(_:)``: `../../evil`, `sub/W`, `/abs`, an empty or
  /// hidden name, a NUL, a backslash, a control character); in an `.h5`, a name with an empty
  /// group component (`a..b`, `.a`, `a/`, `../x`) or two names that become one dataset path
  /// (`a.b` and `a/b` are both `/a/b`), and a dataset path with a `.` or `..` component. The
  /// message names the target and the array. (`.npz` member names are checked by ``NPZ``,
  /// `.safetensors` tensor names by ``SafeTensors``.)
  static func checkNames(_ names: [String], _ location: ArrayLocation) throws {
    switch location {
    case .directory(let path):
      for name in names {
        if let problem = ArrayNameCheck.fileNameProblem(name) {
          let hint = ArrayNameCheck.memberNameProblem(name) == nil ? "; an .npz or .h5 can hold it" : ""
          throw ArrayIOError(
            path: path, "array '\(name)' cannot be written as a file in a directory: \(problem)\(hint)")
        }
      }
    case .hdf5(let path):
      var first: [String: String] = [:]
      for name in names {
        let parts = name.split(omittingEmptySubsequences: false) { $0 == "." || $0 == "/" }
        if name.isEmpty || parts.contains(where: \.isEmpty) || name.contains("\0") {
          throw ArrayIOError(
            path: path,
            "array '\(name)' cannot be an HDF5 dataset: a group name in it is empty ('.' and '/' separate groups)")
        }
        let dataset = ArrayNames.toHDF5(name)
        if let other = first[dataset] {
          throw ArrayIOError(path: path, "arrays '\(other)' and '\(name)' would both be the dataset \(dataset)")
        }
        first[dataset] = name
      }
    case .hdf5Dataset(let path, let dataset):
      let parts = dataset.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
      if parts.contains(where: { $0 == "." || $0 == ".." || $0.isEmpty }) || dataset.contains("\0") {
        throw ArrayIOError(
          path: "\(path):\(dataset)", "a dataset path to write holds an empty, '.' or '..' component")
      }
    case .npy, .npz, .npzMember, .safetensors, .safetensorsTensor:
      break
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

  /// Whether `target` is a protected file or lies inside a protected directory.
  static func isProtected(_ target: String, _ protected: [String]) -> Bool {
    let path = canonical(target)
    return protected.contains { path == $0 || path.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }
  }

  private static func writeDirectory(
    _ arrays: [(name: String, array: NDArray)], to path: String, protected: [String], mode: WriteMode
  ) throws {
    if let kind = FileKind.of(path), kind != .directory {
      throw ArrayIOError(path: path, "is a file, not a directory to write arrays into")
    }
    // Read before writing anything: a damaged manifest stops the run with nothing changed.
    let previous = mode == .runOutputs ? try OutputsManifest.read(directory: path) : nil
    try makeDirectories(path)
    AtomicFile.removeStaleTemporaries(in: path, for: Set(arrays.map { $0.name + ".npy" }))
    var placed = 0
    do { try writeFiles(arrays, in: path, placed: &placed) } catch {
      // A run's outputs are that run's arrays or none: the files this failed run already put
      // in place go (the previous run's, which its manifest lists, go after the failure).
      if mode == .runOutputs {
        for entry in arrays.prefix(placed) { try? remove(join(path, entry.name + ".npy")) }
      }
      throw error
    }
    let written = Set(arrays.map { $0.name + ".npy" })
    switch mode {
    case .merge:
      break
    case .replace:
      for name in try npyFiles(in: path) where !written.contains(name + ".npy") {
        let file = join(path, name + ".npy")
        guard !isProtected(file, protected), OutputsManifest.isFileOrLink(file) else { continue }
        try remove(file)
      }
    case .runOutputs:
      // Every file the previous run listed is tried, one that cannot go not stopping the rest
      // (a later compare must not pass on a mix of runs); the first failure is then thrown.
      var firstFailure: (any Error)?
      for entry in previous?.files ?? [] where !written.contains(entry.name) {
        let file = join(path, entry.name)
        guard !isProtected(file, protected), entry.matches(file) else { continue }
        do { try remove(file) } catch { firstFailure = firstFailure ?? error }
      }
      if let firstFailure { throw firstFailure }
      try OutputsManifest.record(arrays.map { $0.name + ".npy" }, in: path)
    }
  }

  /// `mkdir -p path`, each failure one line naming the directory and the system's reason
  /// (Foundation's `createDirectory` threw a whole NSError dump, its keys in a different order
  /// from run to run).
  private static func makeDirectories(_ path: String) throws {
    var prefix = path.hasPrefix("/") ? "/" : ""
    for component in path.split(separator: "/") {
      prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
      if mkdir(prefix, 0o777) == 0 || (errno == EEXIST && FileKind.of(prefix) == .directory) { continue }
      let reason = errno == EEXIST ? "it is not a directory" : errnoDescription()
      throw ArrayIOError(path: path, "cannot create directory \(prefix): \(reason)")
    }
  }

  private static func remove(_ file: String) throws {
    guard unlink(file) == 0 || errno == ENOENT else {
      throw ArrayIOError(path: file, "cannot remove it: \(errnoDescription())")
    }
  }

  private static func single(_ arrays: [(name: String, array: NDArray)], _ location: ArrayLocation) throws -> NDArray {
    guard arrays.count == 1, let only = arrays.first else {
      throw ArrayIOError(
        path: location.description,
        "names one array but there are \(arrays.count); write them to a directory, an .npz, a .safetensors or an .h5")
    }
    return only.array
  }
}
