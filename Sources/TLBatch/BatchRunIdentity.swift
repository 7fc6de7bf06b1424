import Foundation
import TLIO
import TLPipeline
import TLSystem

/// The identity of a batch run (`run_id` in every shard report): what a verdict depends on,
/// hashed, so that `merge-reports` refuses shard reports that judged different things.
///
/// It is the SHA-256 of
/// - `settings`: tl-run's version and the command-line options that change a verdict;
/// - the pipeline file's bytes;
/// - every file the pipeline names that lies outside the cases (weights beside the pipeline,
///   absolute paths): its path as written, size and modification time;
/// - every case of the whole batch (not just this shard), sorted: its name, then each file in
///   it (recursively, hidden ones skipped, the pipeline's `outputs` skipped since the run
///   writes there) with its relative path, size and modification time (nanoseconds).
///
/// Sizes and times, not bytes: every shard hashes the whole batch, and reading every case in
/// every shard would cost as much as the run. A file rewritten with a new content keeps its
/// size and time only if something set the time back on purpose; a file touched without a
/// change gives a new identity (a merge is refused that could have gone through). The batch's
/// directory is not part of it: the same files mounted at another path are the same run.
public enum BatchRunIdentity {
  public static func compute(spec: PipelineSpec, cases: [BatchCase], settings: String) throws(BatchError) -> String {
    var hash = SHA256()
    hash.update("tl-run batch run 1\nsettings \(settings)\n")
    let pipeline: Data
    do { pipeline = try SmallFile.read(spec.file, limit: PipelineSpec.maximumFileSize, what: "a pipeline file") } catch
    {
      throw BatchError("\(spec.file): cannot read the pipeline file again to identify the run: it \(error.message)")
    }
    hash.update("pipeline \(pipeline.count)\n")
    hash.update(pipeline)
    let pipelineDirectory = SourceResolver.directory(of: spec.file)
    for name in namedPaths(spec) {
      let path = name.hasPrefix("/") ? name : ArrayIO.join(pipelineDirectory, name)
      var lines: [String] = []
      fingerprint(path, relative: "", depth: 0, skip: nil, into: &lines)
      for line in lines { hash.update("shared \(name)\(line)\n") }
    }
    let outputs = normalized(ArrayLocation(parsing: spec.outputs).path)
    for batchCase in cases {
      hash.update("case \(batchCase.name)\n")
      var lines: [String] = []
      fingerprint(batchCase.directory, relative: "", depth: 0, skip: outputs, into: &lines)
      for line in lines { hash.update("\(line)\n") }
    }
    return hash.finish()
  }

  /// The paths of every file source and of the reference, as the pipeline writes them.
  static func namedPaths(_ spec: PipelineSpec) -> [String] {
    var sources = [spec.input] + (spec.dout.map { [$0] } ?? [])
    for layer in spec.layers {
      sources += layer.params.sorted { $0.key < $1.key }.map(\.value)
      sources += layer.inputs.sorted { $0.key < $1.key }.map(\.value)
      sources += layer.state.sorted { $0.key < $1.key }.map(\.value)
      sources += layer.optionSources
    }
    var names: [String] = []
    // `w.mat:/A` names the file `w.mat` (HDF5 by its signature), as the resolver finds it.
    let beside = [SourceResolver.directory(of: spec.file)]
    for source in sources {
      if case .file(let text) = source.form {
        names.append(ArrayLocation(parsing: text).recognizingHDF5(lookingIn: beside).path)
      }
    }
    if let reference = spec.reference { names.append(ArrayLocation(parsing: reference).path) }
    var seen = Set<String>()
    return names.filter { seen.insert($0).inserted }
  }

  /// `a/./b/` → `a/b`.
  static func normalized(_ path: String) -> String {
    path.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
  }

  /// ` rel size mtime` for a file, one such line per file below a directory; nothing when
  /// `path` does not exist (so a source found in the case instead changes nothing here).
  private static func fingerprint(
    _ path: String, relative: String, depth: Int, skip: String?, into lines: inout [String]
  ) {
    guard let status = FileStatus(path) else { return }
    if status.kind == .directory {
      guard depth < 32, let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
        lines.append(" \(relative)/ unreadable")
        return
      }
      for name in names.sorted(by: BatchCase.byName) where !name.hasPrefix(".") {
        let child = relative.isEmpty ? name : "\(relative)/\(name)"
        if child == skip { continue }
        fingerprint(ArrayIO.join(path, name), relative: child, depth: depth + 1, skip: skip, into: &lines)
      }
    } else {
      // Seconds and nanoseconds as `stat`'s `st_mtim` has them (the nanoseconds in [0, 1e9)).
      let (seconds, nanoseconds) = floorDivision(status.modifiedNanoseconds, by: 1_000_000_000)
      lines.append(" \(relative) \(status.size) \(seconds).\(nanoseconds)")
    }
  }

  /// `a` = q·`b` + r with 0 ≤ r < `b` (`b` > 0), as a time before 1970 splits into seconds.
  private static func floorDivision(_ a: Int64, by b: Int64) -> (Int64, Int64) {
    let (q, r) = a.quotientAndRemainder(dividingBy: b)
    return r < 0 ? (q - 1, r + b) : (q, r)
  }
}
