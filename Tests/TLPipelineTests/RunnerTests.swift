import Foundation
import TLArray
import TLCompare
import TLFormats
import TLIO
import TLKernels
import TLPipeline
import TLSystem
import TLTestSupport
import Testing

@Test(arguments: ["seed_time_embedding", "seed_time_affine"])
func seedPipelinesMatchTheNotebooks(example: String) throws {
  let scratch = try ScratchCase(copying: example)
  defer { scratch.remove() }
  let result = try scratch.run()
  let comparison = try #require(result.comparison)
  #expect(comparison.isPass, "\(comparison.textReport)")
  #expect(comparison.compared == (example == "seed_time_embedding" ? 2 : 4))
  // The notebook's TimeEmbedding writes float32 out for float64 W.
  let out = try NPY.read(path: scratch.path("out/out.npy"))
  #expect(out.dtype == (example == "seed_time_embedding" ? .float32 : .float64))
}

/// Results go to a directory, an .npz or an .h5, under the §3 names, and read back equal.
@Test(arguments: ["out", "results.npz", "results.h5"])
func everyOutputFormatHoldsEveryResult(outputs: String) throws {
  let scratch = try ScratchCase(copying: "seed_time_affine")
  defer { scratch.remove() }
  try scratch.editPipeline { $0["outputs"] = outputs }
  let result = try scratch.run()
  let written = try ArrayIO.readAll(ArrayLocation(parsing: scratch.path(outputs)))
  #expect(Set(written.map(\.name)) == ["out", "dx", "affine.dW", "affine.db"])
  for (name, array) in result.results {
    let read = try #require(written.first { $0.name == name }?.array)
    #expect(read == array, "\(name) changed on its way through \(outputs)")
  }
}

@Test func intermediatesAddEachLayersOutput() throws {
  let scratch = try ScratchCase(copying: "seed_time_embedding")
  defer { scratch.remove() }
  let result = try scratch.run(RunOptions(intermediates: true))
  #expect(result.results.map(\.name).contains("embed.out"))
  #expect(scratch.exists("out/embed.out.npy"))
}

@Test func aChangedReferenceValueIsFoundAtItsIndex() throws {
  let scratch = try ScratchCase(copying: "seed_time_affine")
  defer { scratch.remove() }
  var db = try NPY.read(path: scratch.path("expected/affine.db.npy"))
  db.withUnsafeMutableBufferPointer(of: Double.self) { $0[3] += 1e-3 }
  try NPY.write(db, to: scratch.path("expected/affine.db.npy"))
  let comparison = try #require(try scratch.run().comparison)
  #expect(comparison.exitStatus == 1)
  let bad = try #require(comparison.arrays.first { $0.name == "affine.db" })
  #expect(bad.status == .mismatch && bad.mismatched == 1 && bad.firstMismatches.first?.index == [3])
  // The report's message (a batch report's too) names the worst array first.
  let message = RunReport(try scratch.run()).message ?? ""
  #expect(message.hasPrefix("affine.db: Mismatched elements: 1 / "), "\(message)")
  #expect(message.hasSuffix("1 failed, 0 unchecked"), "\(message)")
}

/// A reference directory with no arrays checks nothing: the run is not a pass (exit 1), and its
/// report says why.
@Test func anEmptyReferenceIsNotAPass() throws {
  let scratch = try ScratchCase(copying: "seed_time_affine")
  defer { scratch.remove() }
  for name in try FileManager.default.contentsOfDirectory(atPath: scratch.path("expected")) {
    try FileManager.default.removeItem(atPath: scratch.path("expected/" + name))
  }
  let result = try scratch.run()
  let comparison = try #require(result.comparison)
  #expect(comparison.referenceIsEmpty && comparison.exitStatus == 1 && comparison.compared == 0)
  let report = RunReport(result)
  #expect(report.status == "mismatch")
  #expect(report.message?.contains("the reference holds no arrays, so nothing was checked") == true)
}

/// The run's arithmetic sets the default tolerance: this chain is float64 throughout, with sums
/// over N·T rows and the affine's rows and columns.
@Test func theRunsPrecisionComesFromItsArrays() throws {
  let scratch = try ScratchCase(copying: "seed_time_affine")
  defer { scratch.remove() }
  let spec = try PipelineSpec.load(path: scratch.pipeline)
  let resolver = SourceResolver(pipelineFile: scratch.pipeline, caseDirectory: scratch.directory.path)
  let loaded = try LoadedCase.load(spec, resolver: resolver)
  let x = loaded.input.shape
  let w = try #require(loaded.configs.first?.params["W"]).shape
  #expect(loaded.precision == Precision(dtype: .float64, terms: x[0] * x[1] + w[0] + w[1]))
}

/// A per-array tolerance that names no result is an error naming its JSON path (it would
/// silently leave the array it meant at the default), with the nearest result suggested.
@Test func aToleranceForNoResultIsAnError() throws {
  let scratch = try ScratchCase(copying: "seed_time_affine")
  defer { scratch.remove() }
  try scratch.editPipeline { $0["tolerance"] = ["arrays": ["affine.dw": ["atol": 1e-3]]] }
  #expect {
    try scratch.run()
  } throws: { error in
    "\(error)".contains(#"tolerance.arrays.affine.dw: names no result of this pipeline (did you mean "affine.dW"?)"#)
  }
  #expect(!scratch.exists("out"), "nothing is written")
}

/// The book's TimeRNN returns float32 hs even from float64 inputs: a float64 chain behind it
/// is judged with float32's ε (a 1-ulp difference of tanh, rounded to float32, failed it).
@Test func aRecurrentLayersFloat32OutputSetsThePrecision() throws {
  let json = #"""
    {"version": 1, "input": "xs.npy",
     "layers": [{"name": "rnn", "type": "TimeRNN", "params": {"Wx": "Wx.npy", "Wh": "Wh.npy", "b": "b.npy"}},
                {"name": "affine", "type": "TimeAffine", "params": {"W": "W.npy", "b": "ab.npy"}}],
     "dout": "dout.npy"}
    """#
  let arrays: [String: NDArray] = [
    "xs": NDArray(zeros: .float64, shape: [2, 3, 4]), "Wx": NDArray(zeros: .float64, shape: [4, 5]),
    "Wh": NDArray(zeros: .float64, shape: [5, 5]), "b": NDArray(zeros: .float64, shape: [5]),
    "W": NDArray(zeros: .float64, shape: [5, 6]), "ab": NDArray(zeros: .float64, shape: [6]),
    "dout": NDArray(zeros: .float64, shape: [2, 3, 6]),
  ]
  let scratch = try ScratchCase(json: json, arrays: arrays)
  defer { scratch.remove() }
  let spec = try PipelineSpec.load(path: scratch.pipeline)
  let loaded = try LoadedCase.load(
    spec, resolver: SourceResolver(pipelineFile: scratch.pipeline, caseDirectory: scratch.directory.path))
  // K: N·T rows 6, the RNN's (4+5 + 5+5)·T 3, the affine's 5+6.
  #expect(loaded.precision == Precision(dtype: .float32, terms: 6 + 19 * 3 + 11))
}

/// A run that fails leaves no earlier run's arrays in its outputs directory: a later compare of
/// that directory must not pass on stale results. Files tl-run did not write stay.
@Test func aFailedRunLeavesNoStaleOutputs() throws {
  let scratch = try ScratchCase(copying: "seed_time_affine")
  defer { scratch.remove() }
  _ = try scratch.run()
  #expect(scratch.exists("out/out.npy") && scratch.exists("out/affine.dW.npy"))
  try Data("mine".utf8).write(to: URL(fileURLWithPath: scratch.path("out/notes.txt")))
  try NPY.write(NDArray(zeros: .float64, shape: [1, 1, 1]), to: scratch.path("dout.npy"))
  #expect(throws: PipelineError.self) { try scratch.run() }
  let left = try FileManager.default.contentsOfDirectory(atPath: scratch.path("out")).sorted()
  #expect(left == [".tl-run-outputs.json", "notes.txt"], "\(left)")
}

@Test func aReferenceWithoutOutputIsMissingAndExtraOutputsAreUnchecked() throws {
  let scratch = try ScratchCase(copying: "seed_time_affine")
  defer { scratch.remove() }
  try FileManager.default.moveItem(atPath: scratch.path("expected/dx.npy"), toPath: scratch.path("expected/dh.npy"))
  let comparison = try #require(try scratch.run().comparison)
  #expect(comparison.arrays.first { $0.name == "dh" }?.status == .missing)
  #expect(comparison.arrays.first { $0.name == "dx" }?.status == .unchecked)
  #expect(comparison.exitStatus == 1)
}

@Test func aRunRefusesToWriteOverItsReferenceAndWritesNothing() throws {
  let scratch = try ScratchCase(copying: "seed_time_affine")
  defer { scratch.remove() }
  try scratch.editPipeline { $0["outputs"] = "expected" }
  let before = try Data(contentsOf: URL(fileURLWithPath: scratch.path("expected/out.npy")))
  #expect(throws: PipelineError.self) { try scratch.run() }
  #expect(try Data(contentsOf: URL(fileURLWithPath: scratch.path("expected/out.npy"))) == before)
}

@Test func aRunRefusesToWriteOverItsInput() throws {
  let scratch = try ScratchCase(copying: "seed_time_affine")
  defer { scratch.remove() }
  try FileManager.default.moveItem(atPath: scratch.path("x.npy"), toPath: scratch.path("out.npy"))
  try scratch.editPipeline {
    $0["input"] = "out.npy"
    $0["outputs"] = "."
  }
  do {
    _ = try scratch.run()
    Issue.record("wrote over its input")
  } catch {
    #expect("\(error)".contains("refusing to write over an input or reference"), "\(error)")
  }
  #expect(!scratch.exists("dx.npy"), "nothing may be written when the run is refused")
}

/// Faults found before computing: the message names the file, the JSON path and the shapes,
/// and no output directory appears.
@Test(arguments: [
  ("params", "affine_W.npy", "layers[0]: TimeAffine \"affine\""),
  ("input", "missing.npy", "input: missing.npy: no such file"),
  ("dout", "affine_W.npy", "dout"),
])
func faultsBeforeComputingWriteNothing(key: String, value: String, fragment: String) throws {
  let scratch = try ScratchCase(copying: "seed_time_affine")
  defer { scratch.remove() }
  if key == "params" {
    // A W of shape (2, 5) where x has D = 1.
    try NPY.write(NDArray(zeros: .float64, shape: [2, 5]), to: scratch.path("affine_W.npy"))
  } else {
    try scratch.editPipeline { $0[key] = value }
  }
  do {
    _ = try scratch.run()
    Issue.record("ran despite a bad \(key)")
  } catch {
    #expect("\(error)".hasPrefix(scratch.pipeline), "\(error)")
    #expect("\(error)".contains(fragment), "\(error)")
    if key == "params" {
      #expect(
        "\(error)".contains("W of shape (2,5) does not fit x of shape (4,5,1)"), "both shapes must be named: \(error)")
    }
  }
  #expect(!scratch.exists("out"))
}

/// A symbolic link that leads to no file (a loop, a missing target) is named as such, not as
/// a file that is not there.
@Test(arguments: [("loop.npy", "the links loop"), ("gone.npy", "its target is missing")])
func aLinkToNoFileIsNamedAsOne(_ target: String, _ why: String) throws {
  let scratch = try ScratchCase(copying: "seed_time_affine")
  defer { scratch.remove() }
  try FileManager.default.createSymbolicLink(atPath: scratch.path("loop.npy"), withDestinationPath: target)
  try scratch.editPipeline { $0["input"] = "loop.npy" }
  do {
    _ = try scratch.run()
    Issue.record("ran with a link to no file")
  } catch {
    #expect(
      "\(error)".hasSuffix(
        "input: \(scratch.path("loop.npy")): a symbolic link that leads to no file (\(why))"
      ),
      "\(error)")
  }
  #expect(!scratch.exists("out"))
}

/// Version 2 with --intermediates (or --isolate) cannot write to an .h5 (a value and its grads
/// both need the group of its name): refused before anything is read, not after computing.
@Test(arguments: [false, true])
func version2IntermediatesIntoAnH5AreRefusedFirst(isolate: Bool) throws {
  let scratch = try ScratchCase(copying: "graph_rnnlm")
  defer { scratch.remove() }
  try scratch.editPipeline { $0["outputs"] = "o.h5" }
  do {
    _ = try scratch.run(RunOptions(intermediates: true, isolate: isolate))
    Issue.record("ran")
  } catch {
    #expect(
      "\(error)"
        == "\(scratch.pipeline): outputs: o.h5: --intermediates\(isolate ? " (which --isolate implies)" : "") cannot write"
        + " to .h5 in version 2: a value (embed) and its grads (embed.dW) would both need /embed; write .npz, .safetensors"
        + " or a directory")
  }
  #expect(!scratch.exists("o.h5"))
}

/// NaN, ±inf, −0.0, empty and 0-d arrays through a real chain (Sigmoid, then a loss).
@Test func edgeValuesCompareAsNumPyDoes() throws {
  let x = NDArray(shape: [2, 3], scalars: [Float](arrayLiteral: .nan, .infinity, -.infinity, -0.0, 0, 1))
  let json =
    #"{"version": 1, "input": "x.npy", "layers": [{"name": "s", "type": "Sigmoid"}], "dout": "dout.npy", "reference": "expected", "tolerance": {"equal_nan": true}}"#
  let scratch = try ScratchCase(json: json, arrays: ["x": x, "dout": NDArray(zeros: .float32, shape: [2, 3])])
  defer { scratch.remove() }
  try FileManager.default.createDirectory(atPath: scratch.path("expected"), withIntermediateDirectories: true)
  // σ(NaN) = NaN, σ(inf) = 1, σ(−inf) = 0, σ(−0.0) = 0.5 — what NumPy's 1/(1+exp(−x)) gives.
  let expected = NDArray(shape: [2, 3], scalars: [Float](arrayLiteral: .nan, 1, 0, 0.5, 0.5, 1 / (1 + exp(Float(-1)))))
  try NPY.write(expected, to: scratch.path("expected/out.npy"))
  let result = try scratch.run()
  #expect(result.comparison?.isPass == true, "\(result.comparison?.textReport ?? "")")
  try scratch.editPipeline { $0["tolerance"] = ["equal_nan": false] }
  #expect(try scratch.run().comparison?.isPass == false, "NaN must differ from NaN when equal_nan is false")

  let empty = try ScratchCase(
    json: json,
    arrays: ["x": NDArray(zeros: .float32, shape: [0, 3]), "dout": NDArray(zeros: .float32, shape: [0, 3])])
  defer { empty.remove() }
  try FileManager.default.createDirectory(atPath: empty.path("expected"), withIntermediateDirectories: true)
  try NPY.write(NDArray(zeros: .float32, shape: [0, 3]), to: empty.path("expected/out.npy"))
  #expect(try empty.run().comparison?.isPass == true)
}

/// `"seed": 7` draws the mask `np.random.seed(7); np.random.rand(...)` gives, which is how the
/// dropout example's NumPy reference was made; another seed gives another mask.
@Test(arguments: [(7, true), (8, false)])
func aDropoutSeedReproducesNumPysMask(seed: Int, matches: Bool) throws {
  let scratch = try ScratchCase(copying: "dropout")
  defer { scratch.remove() }
  try scratch.editPipeline { pipeline in
    guard var layers = pipeline["layers"] as? [[String: Any]] else { return }
    layers[1]["mask"] = nil
    layers[1]["seed"] = seed
    pipeline["layers"] = layers
  }
  let comparison = try #require(try scratch.run().comparison)
  #expect(comparison.isPass == matches, "\(comparison.textReport)")
  #expect(comparison.arrays.first { $0.name == "drop.mask" }?.status == (matches ? .pass : .mismatch))
}

@Test func timingsNameEveryPhaseInOrder() throws {
  let scratch = try ScratchCase(copying: "seed_time_affine")
  defer { scratch.remove() }
  let phases = try scratch.run().timings.phases
  #expect(phases.map(\.name) == ["load and check", "affine forward", "affine backward", "write", "compare"])
  #expect(phases.allSatisfy { $0.seconds >= 0 })
}

/// A TimeAffine wide enough to leave dW for later (D×M = 64×2304 over N·T = 128 rows) after a
/// TimeLSTM: its dW is finished after the LSTM's backward, timed as "affine grads", and the
/// written dW is the one computed at once.
@Test(.enabled(if: Processors.available > 1, "dW is deferred only with two cores"))
func aDeferredWeightGradientIsTimedApartAndWritten() throws {
  func random(_ shape: [Int], _ seed: UInt64) -> NDArray {
    var state = seed
    return NDArray(
      shape: shape,
      scalars: (0..<shape.reduce(1, *)).map { _ -> Float in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Float(Int(state >> 40) % 2001 - 1000) / 4000
      })
  }
  let (n, t, h, m) = (8, 16, 64, 2304)
  let (W, bias, dout) = (random([h, m], 5), random([m], 6), random([n, t, m], 7))
  let arrays = [
    "xs": random([n, t, h], 1), "Wx": random([h, 4 * h], 2), "Wh": random([h, 4 * h], 3), "b": random([4 * h], 4),
    "W": W, "bias": bias, "dout": dout,
  ]
  let scratch = try ScratchCase(
    json: """
      {"version": 1, "input": "xs.npy", "dout": "dout.npy", "outputs": "out", "layers": [
        {"name": "lstm", "type": "TimeLSTM", "params": {"Wx": "Wx.npy", "Wh": "Wh.npy", "b": "b.npy"}},
        {"name": "affine", "type": "TimeAffine", "params": {"W": "W.npy", "b": "bias.npy"}}]}
      """, arrays: arrays)
  defer { scratch.remove() }
  let result = try DeferredProduct.withForcedUse { try scratch.run(RunOptions(intermediates: true)) }.result
  #expect(
    result.timings.phases.map(\.name) == [
      "load and check", "lstm forward", "affine forward", "affine backward", "lstm backward", "affine grads", "write",
      "compare",
    ])
  // dW = hsᵀ·dout over the N·T rows, from the LSTM's own output, computed at once.
  let hs = try NPY.read(path: scratch.path("out/lstm.out.npy"))
  let expected = Kernel.affineBackward(hs.reshaped([n * t, h]), W, bias, dout.reshaped([n * t, m])).dW
  let written = try NPY.read(path: scratch.path("out/affine.dW.npy"))
  let worst =
    zip(written.scalars(as: Float.self), expected.scalars(as: Float.self))
    .map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .infinity
  #expect(written.shape == [h, m] && worst <= 1e-6, "dW differs by \(worst)")
}

/// A run that fails while writing its outputs leaves none of its own results (they would be in
/// no manifest, and no later run would remove them) and, as any failed run, none of the previous
/// run's: here `affine.dW.npy` is a directory, after `out` and `dx` were already in place.
@Test func aRunFailingWhileWritingLeavesNoResults() throws {
  let scratch = try ScratchCase(copying: "seed_time_affine")
  defer { scratch.remove() }
  _ = try scratch.run()  // a previous run's outputs and manifest
  try FileManager.default.removeItem(atPath: scratch.path("out/affine.dW.npy"))
  try FileManager.default.createDirectory(atPath: scratch.path("out/affine.dW.npy"), withIntermediateDirectories: false)
  #expect(throws: PipelineError.self) { try scratch.run() }
  let left = try FileManager.default.contentsOfDirectory(atPath: scratch.path("out")).filter { !$0.hasPrefix(".") }
  #expect(left == ["affine.dW.npy"], "\(left)")
}

/// A case directory that does not exist, or is a file, is refused before anything is read or
/// written: the runner used to create it for the outputs and find the inputs beside the
/// pipeline instead (found through the CLI's `--case`).
@Test(arguments: [("missing", "no such case directory (--case)"), ("x.npy", "is a regular file, not a directory")])
func aCaseDirectoryThatIsNoDirectoryIsRefused(_ name: String, _ says: String) throws {
  let scratch = try ScratchCase(copying: "seed_time_affine")
  defer { scratch.remove() }
  let before = try FileManager.default.contentsOfDirectory(atPath: scratch.directory.path).sorted()
  #expect {
    try scratch.run(RunOptions(caseDirectory: scratch.path(name)))
  } throws: { error in
    "\(error)" == "\(scratch.path(name)): " + (name == "missing" ? says : "the case directory (--case) " + says)
  }
  #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.directory.path).sorted() == before)
}
