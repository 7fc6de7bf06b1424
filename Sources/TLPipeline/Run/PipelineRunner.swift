import Foundation
import TLArray
import TLCompare
import TLDiagnosis
import TLIO
import TLSystem

/// How to run one case, beyond what the pipeline file says.
public struct RunOptions: Sendable {
  /// The case directory; nil means the pipeline file's directory.
  public var caseDirectory: String?
  /// Also write each layer's own output as `LAYER.out`; for version 2 every value `VALUE`, its
  /// gradient `VALUE.grad` and each layer node's `NODE.dx` (pipeline.md §6.2).
  public var intermediates: Bool
  /// `--rtol` / `--atol` from the command line, which beat the file's tolerances.
  public var tolerance: ToleranceOverride
  /// Judge each layer by itself on the reference's intermediates (`--isolate`, §7).
  public var isolate: Bool

  public init(
    caseDirectory: String? = nil, intermediates: Bool = false, tolerance: ToleranceOverride = .none,
    isolate: Bool = false
  ) {
    self.caseDirectory = caseDirectory
    self.intermediates = intermediates
    self.tolerance = tolerance
    self.isolate = isolate
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
  /// Where the failing arrays fail and which mistakes explain them (docs/pipeline.md §7):
  /// present for a case whose comparison failed (version 2: without `train`/`generate`), or under
  /// `--isolate`.
  public var diagnosis: DiagnosisReport?

  /// What the user should know about the run that is not a fault (docs/pipeline.md §4): the
  /// reference's intermediates computed without `--intermediates`, array files of a reference
  /// directory that are not read. The text report prints each after `note: `.
  public var notes: [String] = []

  /// The diagnosis's lines for the text report (none when there is no diagnosis).
  public var diagnosisLines: [String] { diagnosis?.textLines ?? [] }
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
    // A mistyped case directory would otherwise be created as the outputs' parent, the inputs
    // found beside the pipeline instead: refused before anything is read.
    if let directory = options.caseDirectory {
      guard let kind = FileKind.of(directory) else {
        throw PipelineError(file: directory, "no such case directory (--case)")
      }
      guard kind == .directory else {
        throw PipelineError(file: directory, "the case directory (--case) \(kind.refusal(expected: "a directory"))")
      }
    }
    // Version 2's values are named by their nodes (`embed`) and their grads under them
    // (`embed.dW`, `embed.grad`): in an .h5, /embed cannot be a dataset and a group at once, and
    // libhdf5 would refuse it only when writing, after everything was computed.
    if spec.graph != nil, options.intermediates, case .hdf5 = ArrayLocation(parsing: spec.outputs) {
      throw PipelineError(
        file: spec.file, path: "outputs",
        "\(spec.outputs): --intermediates\(options.isolate ? " (which --isolate implies)" : "") cannot write to .h5 in"
          + " version 2: a value (embed) and its grads (embed.dW) would both need /embed; write .npz, .safetensors or a"
          + " directory")
    }
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
    clearStaleOutputs(file: spec.file, outputs: spec.outputs, reference: spec.reference, resolver)
  }

  /// After a pipeline file failed to decode (exit 2): when it is still a JSON object whose
  /// `outputs` (default `out`) and `reference` read well, removes what the previous run listed
  /// in that outputs directory's manifest, as a failed run does; otherwise touches nothing
  /// (where the outputs are is not known). `caseDirectory` as ``RunOptions/caseDirectory``.
  public static func clearStaleOutputs(ofUndecodable file: String, caseDirectory: String? = nil) {
    guard let keys = PipelineSpec.outputKeys(ofUndecodable: file) else { return }
    let resolver = SourceResolver(
      pipelineFile: file, caseDirectory: caseDirectory ?? SourceResolver.directory(of: file))
    clearStaleOutputs(file: file, outputs: keys.outputs, reference: keys.reference, resolver)
  }

  private static func clearStaleOutputs(
    file: String, outputs text: String, reference: String?, _ resolver: SourceResolver
  ) {
    let outputs = resolver.outputPath(text)
    guard case .directory(let path) = outputs, (try? OutputsManifest.read(directory: path)) != nil else { return }
    var protected = resolver.filesRead + [ArrayIO.canonical(file)]
    if let reference { protected.append(ArrayIO.canonical(resolver.outputPath(reference).path)) }
    try? ArrayIO.write([], to: outputs, protecting: protected, mode: .runOutputs)
  }

  private static func run(
    _ spec: PipelineSpec, options: RunOptions, resolver: SourceResolver
  ) throws(PipelineError) -> CaseResult {
    var timer = PhaseTimer()
    var results: [(name: String, array: NDArray)]
    let precision: Precision
    var loadedCase: LoadedCase?
    var graphRun: GraphRun?
    if let graph = spec.graph {
      let run = try GraphCase.run(spec, graph, resolver: resolver, intermediates: options.intermediates, timer: &timer)
      (results, precision, graphRun) = (run.results, run.precision, run.run)
    } else {
      let loaded = try timer.measure("load and check") { () throws(PipelineError) in
        try LoadedCase.load(spec, resolver: resolver)
      }
      results = try ChainExecutor.run(loaded, intermediates: options.intermediates, timer: &timer)
      precision = loaded.precision
      loadedCase = loaded
    }
    try checkToleranceNames(
      spec, results.map(\.name), intermediates: options.intermediates,
      graphIntermediates: graphRun?.intermediateNames ?? [])
    var reference: [(name: String, array: NDArray)]? = nil
    var protected = resolver.filesRead + [ArrayIO.canonical(spec.file)]
    if let text = spec.reference {
      let location = resolver.outputPath(text)
      protected.append(ArrayIO.canonical(location.path))
      do { reference = try ArrayIO.readAll(location) } catch {
        throw PipelineError(file: spec.file, path: "reference", "\(error)")
      }
    }
    var notes: [String] = []
    if let reference, !options.intermediates {
      // A reference with intermediates (record_intermediates') is compared with them: they are
      // computed as --intermediates computes them, never left MISSING or silently skipped.
      let names: Set<String> =
        graphRun.map(\.intermediateNames) ?? Set(spec.layers.flatMap { [$0.name + ".out", $0.name + ".dx"] })
      let computed = Set(results.map(\.name))
      let held = reference.map(\.name).filter { names.contains($0) && !computed.contains($0) }
      if !held.isEmpty {
        if let executor = graphRun?.executor {
          results = try GraphCase.withIntermediates(spec, results, executor)
        } else if let loadedCase {
          results = try ChainExecutor.run(loadedCase, intermediates: true, timer: &timer)
        }
        let listed = held.prefix(3).joined(separator: ", ") + (held.count > 3 ? ", …" : "")
        notes.append(
          "the reference holds intermediates (\(listed)): computed them as --intermediates does (docs/pipeline.md §7.2)"
        )
      }
    }
    if let text = spec.reference, case .directory(let path) = resolver.outputPath(text) {
      let outputs = ArrayIO.canonical(resolver.outputPath(spec.outputs).path)
      notes += ignoredReferenceFiles(path, leavingOut: outputs).map { file in
        file.hasSuffix("/")
          ? "the reference directory \"\(text)\" holds the directory \(file), whose files are not read (a reference directory is read as its own .npy files)"
          : "the reference directory \"\(text)\" holds \(file), which is not read (a reference directory is read as .npy files only; name the file itself as \"reference\" to compare with it)"
      }
    }
    // Under --isolate the diagnosis's input is built (and its faults reported) before anything
    // is written; otherwise only once a comparison fails, never for a passing run.
    let isolated =
      options.isolate
      ? try CaseDiagnosis.input(
        spec, loadedCase, graphRun, reference, policy(spec, options, precision), isolate: true) : nil
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
    var result = CaseResult(
      name: spec.name, outputs: outputs, results: results, comparison: comparison, reference: reference,
      protectedPaths: protected, timings: timer)
    result.notes = notes
    var diagnosisInput = isolated
    if !options.isolate, !(comparison?.isPass ?? true) {
      diagnosisInput = try CaseDiagnosis.input(
        spec, loadedCase, graphRun, reference, policy(spec, options, precision), isolate: false)
    }
    if let diagnosisInput {
      result.diagnosis = try timer.measure("diagnose") { () throws(PipelineError) in
        try CaseDiagnosis.run(spec, diagnosisInput, isolate: options.isolate)
      }
      // Locations only for arrays this run computed and compared.
      let written = Set(results.map(\.name))
      result.diagnosis?.locations.removeAll { !written.contains($0.array) }
      result.timings = timer
    }
    return result
  }

  /// The array files of a reference directory that are not read as references: `.npz`, `.h5`,
  /// `.hdf5`, `.safetensors` (a directory is read as its `.npy` files), sorted.
  static func ignoredReferenceFiles(_ directory: String, leavingOut outputs: String = "") -> [String] {
    let extensions = [".npz", ".h5", ".hdf5", ".safetensors"]
    let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    // A subdirectory too (`expected/lstm/h.npy`, an HDF5-like layout): its arrays would only
    // show up as unchecked. Hidden ones (`.git`) and the run's own outputs (with `"reference":
    // "."`) are left out.
    let subdirectories = files.filter { name in
      let path = ArrayIO.join(directory, name)
      return !name.hasPrefix(".") && FileKind.of(path) == .directory && ArrayIO.canonical(path) != outputs
    }
    return
      (files.filter { file in extensions.contains { file.lowercased().hasSuffix($0) } }
      + subdirectories.map { $0 + "/" }).sorted()
  }

  /// A per-array tolerance must name a result: one that names nothing (`lstm.dwx`) would
  /// silently leave the array it meant at the default. `LAYER.out` entries are allowed in a
  /// run without `--intermediates`, which does not write them; so are `LAYER.dx` entries, and
  /// for version 2 every name `--intermediates` would write (`graphIntermediates`: `VALUE`,
  /// `VALUE.grad`, `NODE.dx`).
  static func checkToleranceNames(
    _ spec: PipelineSpec, _ names: [String], intermediates: Bool, graphIntermediates: Set<String> = []
  ) throws(PipelineError) {
    let known = Set(names)
    for name in spec.tolerance.arrays.keys.sorted() where !known.contains(name) {
      if !intermediates, spec.layers.contains(where: { [$0.name + ".out", $0.name + ".dx"].contains(name) }) {
        continue
      }
      if !intermediates, graphIntermediates.contains(name) { continue }
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
