import Foundation
import TLArray
import TLIO

/// Loads a pipeline's array sources. Relative paths are looked up in the case directory first,
/// then beside the pipeline file (pipeline.md §2); every file it reads is remembered, so a run
/// can refuse to write over its own inputs.
public final class SourceResolver: @unchecked Sendable {
  public let caseDirectory: String
  public let pipelineDirectory: String
  let pipelineFile: String
  /// Arrays read from beside the pipeline, shared by every case of a batch.
  let sharedCache: SharedArrayCache?
  /// Canonical paths of every file read so far.
  public private(set) var filesRead: [String] = []

  public init(pipelineFile: String, caseDirectory: String, sharedCache: SharedArrayCache? = nil) {
    self.pipelineFile = pipelineFile
    self.pipelineDirectory = URL(fileURLWithPath: pipelineFile).deletingLastPathComponent().path
    self.caseDirectory = caseDirectory
    self.sharedCache = sharedCache
  }

  /// The array `source` names; a fault is reported with the pipeline file and the JSON path.
  public func load(_ source: SourceSpec) throws(PipelineError) -> NDArray {
    switch source.form {
    case .inline(let array):
      return array
    case .file(let text):
      let location = try locate(text, jsonPath: source.jsonPath)
      filesRead.append(ArrayIO.canonical(location.path))
      do {
        let besidePipeline = !location.path.hasPrefix(caseDirectory + "/") && caseDirectory != pipelineDirectory
        if besidePipeline, let sharedCache { return try sharedCache.array(at: location) }
        return try ArrayIO.read(location)
      } catch {
        throw PipelineError(file: pipelineFile, path: source.jsonPath, "\(error)")
      }
    }
  }

  /// Resolves a relative path (`case/x` first, then `pipeline-dir/x`); fails naming both.
  public func locate(_ text: String, jsonPath: String) throws(PipelineError) -> ArrayLocation {
    let location = ArrayLocation(parsing: text)
    if location.path.hasPrefix("/") { return location }
    let candidates = [caseDirectory, pipelineDirectory].map { ArrayIO.join($0, location.path) }
    if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) {
      return location.withPath(found)
    }
    let places = caseDirectory == pipelineDirectory ? "in \(caseDirectory)" : "in \(caseDirectory) or \(pipelineDirectory)"
    throw PipelineError(file: pipelineFile, path: jsonPath, "\(location.path): no such file \(places)")
  }

  /// A path for an output or reference, relative to the case directory.
  public func outputPath(_ text: String) -> ArrayLocation {
    let location = ArrayLocation(parsing: text)
    return location.path.hasPrefix("/") ? location : location.withPath(ArrayIO.join(caseDirectory, location.path))
  }
}

/// Arrays loaded once for a whole batch (weights beside the pipeline), keyed by location.
public final class SharedArrayCache: @unchecked Sendable {
  private var arrays: [String: NDArray] = [:]
  private let lock = NSLock()

  public init() {}

  func array(at location: ArrayLocation) throws -> NDArray {
    let key = location.description
    if let cached = lock.withLock({ arrays[key] }) { return cached }
    let array = try ArrayIO.read(location)
    lock.withLock { arrays[key] = array }
    return array
  }
}
