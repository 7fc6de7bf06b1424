import Foundation
import TLArray
import TLCompare
import TLIO

/// How to run one case, beyond what the pipeline file says.
public struct RunOptions: Sendable {
  /// The case directory; nil means the pipeline file's directory.
  public var caseDirectory: String?
  /// Also write each layer's own output as `LAYER.out`.
  public var intermediates: Bool
  /// `--rtol` / `--atol` from the command line, which beat the file's tolerances.
  public var tolerance: ToleranceOverride

  public init(caseDirectory: String? = nil, intermediates: Bool = false, tolerance: ToleranceOverride = .none) {
    self.caseDirectory = caseDirectory
    self.intermediates = intermediates
    self.tolerance = tolerance
  }
}

/// What one case produced.
public struct CaseResult: Sendable {
  public var name: String
  /// Where the results were written.
  public var outputs: ArrayLocation
  public var results: [(name: String, array: NDArray)]
  /// nil when the pipeline has no reference.
  public var comparison: CollectionComparison?
  /// The reference's arrays as read (nil without a reference): what `--html` draws the
  /// results against.
  public var reference: [(name: String, array: NDArray)]? = nil
  /// The files this run read (inputs, weights, the pipeline, the reference), canonical: what
  /// no file the run writes may replace (`--html` is checked against them too).
  public var protectedPaths: [String] = []
  /// Each phase's wall time (always measured: a clock read per phase costs nothing).
  public var timings = PhaseTimer()
}

/// Runs one case: load and check everything, compute, write, compare.
public enum PipelineRunner {
  /// Any fault before or while computing throws before a single output file is written.
  ///
  /// Afterwards the outputs hold exactly this run's arrays: an `.npz` or `.h5` is written anew
  /// and renamed over the old one; in a directory, the arrays an earlier run wrote there and
  /// this one did not (an earlier `--intermediates` run's `LAYER.out`) are removed, going by
  /// the directory's ``OutputsManifest`` (``WriteMode/runOutputs``): files tl-run did not
  /// write are never touched. A run that fails leaves a directory of outputs without the
  /// arrays the previous run wrote there (the manifest's, still as written), so a later
  /// `compare` of that directory cannot pass on stale results; an `.npz` or `.h5` is left as
  /// it was.
  public static func run(
    _ spec: PipelineSpec, options: RunOptions = RunOptions(), sharedCache: SharedArrayCache? = nil
  ) throws(PipelineError) -> CaseResult {
    let pipelineDirectory = SourceResolver.directory(of: spec.file)
    let resolver = SourceResolver(
      pipelineFile: spec.file, caseDirectory: options.caseDirectory ?? pipelineDirectory, sharedCache: sharedCache)
    do {
      return try run(spec, options: options, resolver: resolver)
    } catch {
      clearStaleOutputs(spec, resolver)
      throw error
    }
  }

  /// Removes, after a failed run, the arrays the previous run listed in the outputs
  /// directory's manifest (best effort: the run's own error is what the user sees).
  private static func clearStaleOutputs(_ spec: PipelineSpec, _ resolver: SourceResolver) {
    let outputs = resolver.outputPath(spec.outputs)
    guard case .directory(let path) = outputs, (try? OutputsManifest.read(directory: path)) != nil else { return }
    var protected = resolver.filesRead + [ArrayIO.canonical(spec.file)]
    if let text = spec.reference { protected.append(ArrayIO.canonical(resolver.outputPath(text).path)) }
    try? ArrayIO.write([], to: outputs, protecting: protected, mode: .runOutputs)
  }

  private static func run(
    _ spec: PipelineSpec, options: RunOptions, resolver: SourceResolver
  ) throws(PipelineError) -> CaseResult {
    var timer = PhaseTimer()
    let results: [(name: String, array: NDArray)]
    let precision: Precision
    if let graph = spec.graph {
      (results, precision) = try GraphCase.run(spec, graph, resolver: resolver, timer: &timer)
    } else {
      let loaded = try timer.measure("load and check") { () throws(PipelineError) in
        try LoadedCase.load(spec, resolver: resolver)
      }
      results = try ChainExecutor.run(loaded, intermediates: options.intermediates, timer: &timer)
      precision = loaded.precision
    }
    try checkToleranceNames(spec, results.map(\.name), intermediates: options.intermediates)
    var reference: [(name: String, array: NDArray)]? = nil
    var protected = resolver.filesRead + [ArrayIO.canonical(spec.file)]
    if let text = spec.reference {
      let location = resolver.outputPath(text)
      protected.append(ArrayIO.canonical(location.path))
      do { reference = try ArrayIO.readAll(location) } catch {
        throw PipelineError(file: spec.file, path: "reference", "\(error)")
      }
    }
    let outputs = resolver.outputPath(spec.outputs)
    do {
      try timer.measure("write") { try ArrayIO.write(results, to: outputs, protecting: protected, mode: .runOutputs) }
    } catch {
      throw PipelineError(file: spec.file, path: "outputs", "\(error)")
    }
    let comparison = timer.measure("compare") {
      reference.map { expected in
        compareCollections(actual: results, expected: expected, policy: policy(spec, options, precision))
      }
    }
    return CaseResult(
      name: spec.name, outputs: outputs, results: results, comparison: comparison, reference: reference,
      protectedPaths: protected, timings: timer)
  }

  /// A per-array tolerance must name a result: one that names nothing (`lstm.dwx`) would
  /// silently leave the array it meant at the default. `LAYER.out` entries are allowed in a
  /// run without `--intermediates`, which does not write them.
  static func checkToleranceNames(_ spec: PipelineSpec, _ names: [String], intermediates: Bool) throws(PipelineError) {
    let known = Set(names)
    for name in spec.tolerance.arrays.keys.sorted() where !known.contains(name) {
      if !intermediates, name.hasSuffix(".out"), spec.layers.contains(where: { $0.name + ".out" == name }) { continue }
      throw PipelineError(
        file: spec.file, path: "tolerance.arrays.\(name)",
        "names no result of this pipeline\(NameSuggestion.hint(for: name, among: names)); results: \(names.joined(separator: ", "))"
      )
    }
  }

  static func policy(_ spec: PipelineSpec, _ options: RunOptions, _ precision: Precision) -> TolerancePolicy {
    TolerancePolicy(
      commandLine: options.tolerance, arrays: spec.tolerance.arrays, file: spec.tolerance.file, precision: precision)
  }
}
