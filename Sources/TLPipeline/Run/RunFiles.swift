import Foundation
import TLIO

/// The files one case of a pipeline reads and writes, known from the pipeline file before
/// anything is loaded or computed: what a report of the same command (`--html`, docs/pipeline.md
/// §5) may not replace.
public struct RunFiles: Sendable {
  /// The pipeline file, canonical.
  public var pipeline: String
  /// Every array source that exists (inputs, `dout`, params, state, option arrays, a version-2
  /// params collection), canonical; a source that cannot be found fails the run anyway.
  public var inputs: [String]
  /// The reference (a file or a directory of `.npy`), canonical; nil without one.
  public var reference: String?
  /// Where the results go: a directory of `.npy` (with its manifest
  /// ``OutputsManifest/fileName`` and, with `--intermediates`, `LAYER.out.npy` …) or one
  /// `.npz`, `.h5` or `.safetensors` file.
  public var outputs: ArrayLocation

  /// The files of `spec` run in `caseDirectory` (nil: the pipeline's directory), resolved as
  /// the run resolves them (``SourceResolver``: the case first, then beside the pipeline).
  public init(_ spec: PipelineSpec, caseDirectory: String? = nil) {
    let resolver = SourceResolver(
      pipelineFile: spec.file, caseDirectory: caseDirectory ?? SourceResolver.directory(of: spec.file))
    pipeline = ArrayIO.canonical(spec.file)
    var sources: [(text: String, jsonPath: String)] = []
    func add(_ source: SourceSpec?) {
      if let source, case .file(let text) = source.form { sources.append((text, source.jsonPath)) }
    }
    add(spec.input)
    add(spec.dout)
    for layer in spec.layers {
      for source in layer.params.values { add(source) }
      for source in layer.inputs.values { add(source) }
      for source in layer.state.values { add(source) }
      for source in layer.optionSources { add(source) }
    }
    if let graph = spec.graph {
      for input in graph.inputs { for source in input.sources { add(source) } }
      switch graph.params {
      case .collection(let text, let jsonPath): sources.append((text, jsonPath))
      case .arrays(let list): for entry in list { add(entry.source) }
      }
      if case .graph(let nodes, _) = graph.body {
        for node in nodes {
          for option in node.options.values { if case .source(let source) = option { add(source) } }
        }
      }
    }
    inputs = sources.compactMap { source in
      (try? resolver.locate(source.text, jsonPath: source.jsonPath)).map { ArrayIO.canonical($0.path) }
    }
    reference = spec.reference.map { ArrayIO.canonical(resolver.outputPath($0).path) }
    outputs = resolver.outputPath(spec.outputs)
  }

  /// What a report written at `path` would replace (`the outputs manifest the run writes`),
  /// or nil when nothing of the run's: `path` is the pipeline, an input, the reference (or inside a reference directory),
  /// the outputs file, or in the outputs directory a `.npy` file (a result or an intermediate
  /// the run writes or removes), the manifest, or the directory itself. Compared after
  /// resolving `.`, `..` and symbolic links.
  public func conflict(_ path: String) -> String? {
    let target = Self.canonicalTarget(path)
    if target == pipeline { return "the pipeline file" }
    if inputs.contains(where: { Self.isSame(target, orInside: $0) }) { return "an input the run reads" }
    if let reference, Self.isSame(target, orInside: reference) { return "the reference the run compares with" }
    let outputs = ArrayIO.canonical(self.outputs.path)
    guard case .directory = self.outputs else {
      return target == outputs ? "the outputs file the run writes" : nil
    }
    if target == outputs { return "the outputs directory" }
    let url = URL(fileURLWithPath: target)
    guard url.deletingLastPathComponent().path == outputs else { return nil }
    let name = url.lastPathComponent
    if name == OutputsManifest.fileName { return "the outputs manifest the run writes" }
    if name.lowercased().hasSuffix(".npy") {
      return "an array file of the outputs directory, where the run writes its results"
    }
    return nil
  }

  /// `path` with its directory canonical and its last component as written (a page that does
  /// not exist yet still compares equal to an output reached through a symbolic link); a
  /// symbolic link, even one whose target does not exist yet, is followed (at most 40 deep).
  public static func canonicalTarget(_ path: String) -> String {
    var path = path
    for _ in 0..<40 {
      guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else { break }
      path =
        target.hasPrefix("/")
        ? target : ArrayIO.join(URL(fileURLWithPath: path).deletingLastPathComponent().path, target)
    }
    let url = URL(fileURLWithPath: path)
    if FileManager.default.fileExists(atPath: path) { return ArrayIO.canonical(path) }
    return ArrayIO.join(ArrayIO.canonical(url.deletingLastPathComponent().path), url.lastPathComponent)
  }

  /// Whether the canonical path `target` is `protected` or lies inside it.
  public static func isSame(_ target: String, orInside protected: String) -> Bool {
    target == protected || target.hasPrefix(protected.hasSuffix("/") ? protected : protected + "/")
  }
}
