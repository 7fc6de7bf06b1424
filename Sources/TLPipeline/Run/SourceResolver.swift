import Foundation
import Synchronization
import TLArray
import TLIO
import TLSystem

/// Loads a pipeline's array sources. Relative paths are looked up in the case directory first,
/// then beside the pipeline file (docs/pipeline.md §2); every file it reads is remembered, so a run
/// can refuse to write over its own inputs.
public final class SourceResolver: Sendable {
  public let caseDirectory: String
  public let pipelineDirectory: String
  let pipelineFile: String
  /// Arrays read from beside the pipeline, shared by every case of a batch.
  let sharedCache: SharedArrayCache?
  /// Canonical paths of every file read so far.
  public var filesRead: [String] { read.withLock { $0 } }
  private let read = Mutex<[String]>([])

  public init(pipelineFile: String, caseDirectory: String, sharedCache: SharedArrayCache? = nil) {
    self.pipelineFile = pipelineFile
    self.pipelineDirectory = Self.directory(of: pipelineFile)
    self.caseDirectory = caseDirectory
    self.sharedCache = sharedCache
  }

  /// The directory part of `file` as the user wrote it (`.` for a bare name), so messages
  /// and reports show paths the way they were given.
  public static func directory(of file: String) -> String {
    let parent = (file as NSString).deletingLastPathComponent
    return parent.isEmpty ? "." : parent
  }

  /// The array `source` names; a fault is reported with the pipeline file and the JSON path.
  public func load(_ source: SourceSpec) throws(PipelineError) -> NDArray {
    switch source.form {
    case .inline(let array):
      return array
    case .file(let text):
      let (location, besidePipeline) = try resolve(text, jsonPath: source.jsonPath)
      let canonical = ArrayIO.canonical(location.path)
      read.withLock { $0.append(canonical) }
      do {
        if besidePipeline, let sharedCache { return try sharedCache.array(at: location) }
        return try ArrayIO.read(location)
      } catch {
        throw PipelineError(file: pipelineFile, path: source.jsonPath, "\(error)")
      }
    }
  }

  /// Whether `source` reads an HDF5 file (by its name or signature, as ``load(_:)`` would): a
  /// file libhdf5 itself may crash on, which ends the process (its crash guard) before any
  /// other error could be reported. False for an inline array or a path that does not resolve.
  public func readsHDF5(_ source: SourceSpec) -> Bool {
    guard case .file(let text) = source.form, let resolved = try? resolve(text, jsonPath: source.jsonPath)
    else { return false }
    switch resolved.location {
    case .hdf5Dataset, .hdf5: return true
    default: return false
    }
  }

  /// Resolves a relative path (`case/x` first, then `pipeline-dir/x`); fails naming both.
  public func locate(_ text: String, jsonPath: String) throws(PipelineError) -> ArrayLocation {
    try resolve(text, jsonPath: jsonPath).location
  }

  /// The location, and whether it was found beside the pipeline rather than in the case (such
  /// arrays are shared by every case of a batch).
  private func resolve(_ text: String, jsonPath: String) throws(PipelineError) -> (
    location: ArrayLocation, besidePipeline: Bool
  ) {
    // A `.mat` or `.nc` is HDF5 by its signature, looked for where the file will be found.
    let location = ArrayLocation(parsing: text).recognizingHDF5(lookingIn: [caseDirectory, pipelineDirectory])
    if location.path.hasPrefix("/") { return (location, false) }
    let inCase = ArrayIO.join(caseDirectory, location.path)
    if FileManager.default.fileExists(atPath: inCase) { return (location.withPath(inCase), false) }
    let beside = ArrayIO.join(pipelineDirectory, location.path)
    if caseDirectory != pipelineDirectory, FileManager.default.fileExists(atPath: beside) {
      return (location.withPath(beside), true)
    }
    // A symbolic link whose target is missing or that leads back to itself exists, but no file
    // is behind it: say so, rather than that there is nothing.
    for path in [inCase, beside]
    where FileKind.of(path, followingLinks: false) == .symbolicLink && FileKind.of(path) == nil {
      let why =
        switch errno {
        case ELOOP: "the links loop"
        case ENOENT, ENOTDIR: "its target is missing"
        default: String(cString: strerror(errno))
        }
      throw PipelineError(file: pipelineFile, path: jsonPath, "\(path): a symbolic link that leads to no file (\(why))")
    }
    let places =
      caseDirectory == pipelineDirectory
      ? "in the case directory \(caseDirectory)"
      : "in the case directory \(caseDirectory), nor beside the pipeline in \(pipelineDirectory)"
    throw PipelineError(file: pipelineFile, path: jsonPath, "\(location.path): no such file \(places)")
  }

  /// A path for an output or reference, relative to the case directory.
  public func outputPath(_ text: String) -> ArrayLocation {
    let location = ArrayLocation(parsing: text)
    return location.path.hasPrefix("/") ? location : location.withPath(ArrayIO.join(caseDirectory, location.path))
  }
}

/// Arrays loaded once for a whole batch (weights beside the pipeline), keyed by location.
public final class SharedArrayCache: Sendable {
  private let arrays = Mutex<[String: NDArray]>([:])

  public init() {}

  /// The array, read on first use; the lock is held while reading so that cases starting
  /// together read a shared file once, not once each.
  func array(at location: ArrayLocation) throws -> NDArray {
    try arrays.withLock { arrays in
      let key = location.description
      if let cached = arrays[key] { return cached }
      let array = try ArrayIO.read(location)
      arrays[key] = array
      return array
    }
  }
}
