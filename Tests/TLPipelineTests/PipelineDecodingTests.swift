import Foundation
import TLTestSupport
import Testing

@testable import TLPipeline

private func decode(_ json: String) throws -> PipelineSpec {
  try PipelineSpec.decode(Array(json.utf8), file: "cases/p.json")
}

private let embedAffine = #"""
  {"version": 1, "input": "xs.npy",
   "layers": [{"name": "embed", "type": "TimeEmbedding", "params": {"W": "W.npy"}},
              {"type": "TimeAffine", "params": {"W": "w.h5:/affine/W", "b": {"data": [0, 0], "dtype": "f"}}},
              {"type": "TimeAffine", "params": {"W": "w.npz:W", "b": 0.5}}],
   "dout": "dout.npy",
   "tolerance": {"rtol": 1e-5, "arrays": {"embed.dW": {"atol": 1e-4}}}}
  """#

/// `check_dtype` sits beside `rtol`, `atol` and `equal_nan`, overall and per array.
@Test func decodesCheckDType() throws {
  let spec = try decode(
    #"{"version": 1, "input": "x.npy", "layers": [{"type": "Sigmoid"}], "dout": "d.npy", "tolerance": {"check_dtype": false, "arrays": {"out": {"check_dtype": true}}}}"#
  )
  #expect(spec.tolerance.file.checkDType == false && spec.tolerance.arrays["out"]?.checkDType == true)
}

@Test func decodesAValidPipelineWithDefaults() throws {
  let spec = try decode(embedAffine)
  #expect(spec.name == "p" && spec.outputs == "out" && spec.reference == nil)
  #expect(spec.layers.map(\.name) == ["embed", "time_affine", "time_affine_2"])
  #expect(spec.layers.map(\.kind.typeName) == ["TimeEmbedding", "TimeAffine", "TimeAffine"])
  #expect(spec.tolerance.file.rtol == 1e-5 && spec.tolerance.arrays["embed.dW"]?.atol == 1e-4)
  guard case .file(let w) = spec.layers[1].params["W"]?.form else {
    Issue.record("W is not a file")
    return
  }
  #expect(w == "w.h5:/affine/W")
}

@Test func snakeCaseNamesFollowTheBook() {
  #expect(LayerNames.snakeCase("TimeLSTM") == "time_lstm")
  #expect(LayerNames.snakeCase("TimeSoftmaxWithLoss") == "time_softmax_with_loss")
  #expect(LayerNames.snakeCase("TimeBiLSTM") == "time_bi_lstm")
  #expect(LayerNames.snakeCase("MatMul") == "mat_mul")
  #expect(LayerNames.snakeCase("RNN") == "rnn")
}

/// Every kind of bad pipeline names the JSON path and what was expected.
@Test(arguments: [
  (
    #"{"version": 3, "input": "x.npy", "layers": []}"#,
    "version: unsupported version 3; this tl-run reads version 2 at most"
  ),
  (#"{"version": "1", "input": "x.npy", "layers": []}"#, "version: expected the integer 1 or 2"),
  (
    #"{"version": 1, "input": "x.npy", "layers": [{"name": "out", "type": "TimeAffine", "params": {"W": "W.npy", "b": "b.npy"}}], "dout": "x.npy", "outputs": "r.h5"}"#,
    #"layers[0].name: "out" cannot have its results in the .h5 outputs "r.h5": they would be the group /out"#
  ),
  (
    #"{"version": 2, "inputs": {"xs": "xs.npy", "ts": "ts.npy"}, "params": "p.npz", "graph": [{"name": "out", "type": "TimeEmbedding", "in": "xs"}, {"name": "l", "type": "TimeSoftmaxWithLoss", "in": "out", "ts": "ts"}], "loss": "l", "outputs": "r.h5"}"#,
    #"graph[0].name: "out" cannot have its grads in the .h5 outputs "r.h5": out.dW would be under /out, the dataset of out"#
  ),
  (
    #"{"version": 2, "inputs": {"xs": "xs.npy", "ts": "ts.npy"}, "params": "p.npz", "graph": [{"name": "out.e", "type": "TimeEmbedding", "in": "xs"}, {"name": "l", "type": "TimeSoftmaxWithLoss", "in": "out.e", "ts": "ts"}], "loss": "l", "outputs": "r.h5"}"#,
    #"graph[0].name: "out.e" cannot have its grads in the .h5 outputs "r.h5": out.e.dW would be under /out, the dataset of out"#
  ),
  (
    #"{"version": 2, "inputs": {"xs": "xs.npy", "ts": "ts.npy"}, "params": "p.npz", "graph": [{"name": "e", "type": "TimeEmbedding", "in": "xs"}, {"name": "e.dW", "type": "TimeAffine", "in": "e"}, {"name": "l", "type": "TimeSoftmaxWithLoss", "in": "e.dW", "ts": "ts"}], "loss": "l", "outputs": "r.h5"}"#,
    #"graph[1].name: "e.dW" cannot have its grads in the .h5 outputs "r.h5": e.dW.dW would be under /e/dW, the dataset of e.dW"#
  ),
  (
    #"{"version": 1, "input": "x.npy", "layers": [{"name": "dx", "type": "Sigmoid"}], "dout": "x.npy", "outputs": "r.hdf5"}"#,
    #"layers[0].name: "dx" cannot have its results"#
  ),
  (
    #"{"version": 99999999999999999999, "input": "x.npy", "layers": []}"#,
    "version: unsupported version 99999999999999999999; this tl-run reads version 2 at most"
  ),
  (#"{"input": "x.npy", "layers": []}"#, #"missing required key "version""#),
  (#"{"version": 1, "input": "x.npy", "layers": [], "extra": 1}"#, #"unknown key "extra""#),
  (#"{"version": 1, "input": "x.npy", "layers": []}"#, "layers: must hold at least one layer"),
  (#"{"version": 1, "layers": [{"type": "Sigmoid"}], "dout": 1}"#, #"missing required key "input""#),
  (#"{"version": 1, "input": "x.npy", "layers": {}}"#, "layers: expected a list of layers, got an object"),
  (
    #"{"version": 1, "input": "x.npy", "layers": [{"type": "TimeLSTMX"}]}"#,
    #"layers[0].type: unknown layer type "TimeLSTMX""#
  ),
  (
    #"{"version": 1, "input": "x.npy", "layers": [{"type": "TimeAffine", "params": {"W": "w.npy"}}], "dout": "d.npy"}"#,
    #"layers[0].params: missing param "b" (TimeAffine takes W, b)"#
  ),
  (
    #"{"version": 1, "input": "x.npy", "layers": [{"type": "TimeAffine", "params": {"W": "w.npy", "b": "b.npy", "Wz": "z.npy"}}], "dout": "d.npy"}"#,
    #"layers[0].params.Wz: TimeAffine has no params entry "Wz""#
  ),
  (
    #"{"version": 1, "input": "x.npy", "layers": [{"type": "TimeAffine", "params": {"W": true, "b": "b.npy"}}], "dout": "d.npy"}"#,
    "layers[0].params.W: expected an array source"
  ),
  (
    #"{"version": 1, "input": "x.npy", "layers": [{"type": "TimeAffine", "params": {"W": "w.npy", "b": "b.npy"}}]}"#,
    "dout: missing: the last layer (layers[0] TimeAffine) is not a loss"
  ),
  (
    #"{"version": 1, "input": "x.npy", "layers": [{"type": "Sigmoid", "ratio": 0.5}], "dout": "d.npy"}"#,
    #"layers[0].ratio: only Dropout and TimeDropout take "ratio""#
  ),
  (
    #"{"version": 1, "input": "x.npy", "layers": [{"type": "TimeDropout", "ratio": 1.5}], "dout": "d.npy"}"#,
    "layers[0].ratio: must be in [0, 1)"
  ),
  (
    #"{"version": 1, "input": "x.npy", "layers": [{"type": "TimeDropout", "seed": -1}], "dout": "d.npy"}"#,
    "layers[0].seed: expected an integer in [0, 4294967295]"
  ),
  (
    #"{"version": 1, "input": "x.npy", "layers": [{"type": "Sigmoid", "name": "1x"}], "dout": "d.npy"}"#,
    #"layers[0].name: "1x" is not a valid name"#
  ),
  (
    #"{"version": 1, "input": "x.npy", "layers": [{"type": "Sigmoid", "name": "s"}, {"type": "Sigmoid", "name": "s"}], "dout": "d.npy"}"#,
    #"layers[1].name: the name "s" is used by another layer"#
  ),
  (
    #"{"version": 1, "input": "x.npy", "layers": [{"type": "Sigmoid", "type": "Softmax"}], "dout": "d.npy"}"#,
    #"layers[0]: key "type" appears twice"#
  ),
  (
    #"{"version": 1, "input": "x.npy", "layers": [{"type": "Sigmoid"}], "dout": "d.npy", "tolerance": {"rtol": -1}}"#,
    "tolerance.rtol: must not be negative"
  ),
  (
    #"{"version": 1, "input": "x.npy", "layers": [{"type": "Sigmoid"}], "dout": "d.npy", "tolerance": {"arrays": {"out": {"rtl": 1}}}}"#,
    #"tolerance.arrays.out: unknown key "rtl""#
  ),
  (
    #"{"version": 1, "input": "x.npy", "layers": [{"type": "Sigmoid"}], "dout": "d.npy", "outputs": 3}"#,
    "outputs: expected a string, got a number"
  ),
  (
    #"{"version": 1, "input": "x.npy", "layers": [{"type": "Sigmoid"}], "dout": "d.npy", "outputs": "result.txt"}"#,
    "outputs: result.txt: unknown extension .txt; outputs is a path ending in .npz or .h5"
  ),
  (
    #"{"version": 1, "input": "x.npy", "layers": [{"type": "Sigmoid"}], "dout": "d.npy", "outputs": "out/r.npy"}"#,
    "outputs: out/r.npy names one array"
  ),
  (
    #"{"version": 1, "input": "x.npy", "layers": [{"type": "Sigmoid", "state": {"h": "h.npy"}}], "dout": "d.npy"}"#,
    "layers[0].state: Sigmoid takes no state"
  ),
  (
    #"{"version": 1, "input": "x.npy", "layers": [{"type": "TimeGRU", "layout": "pytorch", "params": {"kernel": "k.npy", "recurrent_kernel": "r.npy", "bias": "b.npy"}}], "dout": "d.npy"}"#,
    #"layers[0].layout: TimeGRU refuses "layout": "pytorch": PyTorch's GRU applies the reset gate after the recurrent product"#
  ),
  (
    #"{"version": 1, "input": "x.npy", "layers": [{"type": "TimeLSTM", "layout": "tensorflow"}], "dout": "d.npy"}"#,
    #"layers[0].layout: expected one of: "pytorch", "keras", got "tensorflow""#
  ),
  (
    #"{"version": 1, "input": "x.npy", "layers": [{"type": "TimeRNN", "layout": "keras"}], "dout": "d.npy"}"#,
    #"layers[0].layout: only TimeLSTM and TimeGRU take "layout""#
  ),
  (
    #"{"version": 1, "input": "x.npy", "layers": [{"type": "TimeLSTM", "layout": "pytorch", "params": {"Wx": "wx.npy", "Wh": "wh.npy", "b": "b.npy"}}], "dout": "d.npy"}"#,
    #"layers[0].params.Wx: TimeLSTM with "layout": "pytorch" has no params entry "Wx"; expected: weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0"#
  ),
  (
    #"{"version": 1, "input": "x.npy", "layers": [{"type": "TimeLSTM", "layout": "keras", "params": {"kernel": "k.npy", "bias": "b.npy"}}], "dout": "d.npy"}"#,
    #"layers[0].params: missing param "recurrent_kernel" (TimeLSTM with "layout": "keras" takes kernel, recurrent_kernel, bias)"#
  ),
  (#"{"version": 1,"#, "not valid JSON at line 1, column 15: expected a key in double quotes"),
])
func badPipelinesNameTheField(json: String, expected: String) {
  do {
    _ = try decode(json)
    Issue.record("accepted: \(json)")
  } catch {
    #expect("\(error)".hasPrefix("cases/p.json: "), "\(error)")
    #expect("\(error)".contains(expected), "\(error)")
  }
}

@Test func aLossLayerNeedsNoDout() throws {
  let spec = try decode(
    #"{"version": 1, "input": "x.npy", "layers": [{"type": "TimeSoftmaxWithLoss", "inputs": {"ts": "ts.npy"}}]}"#)
  #expect(spec.dout == nil && spec.layers[0].kind.isLoss)
}

/// A directory, `.npz`, `.h5` or `.hdf5` is accepted; a directory name with a dot ends in `/`.
@Test(arguments: ["out", "results.npz", "results.h5", "r.HDF5", "out.v2/", "../runs/out", ".hidden"])
func outputsOfTheKnownFormsAreAccepted(outputs: String) throws {
  let json = #"{"version": 1, "input": "x.npy", "layers": [{"type": "Sigmoid"}], "dout": "d.npy", "outputs": "OUT"}"#
  #expect(try decode(json.replacingOccurrences(of: "OUT", with: outputs)).outputs == outputs)
}

/// A pipeline file larger than tl-run reads (64 MiB; sparse here, a few KB on disk) is refused
/// from its size, before a byte of it is read: a 3 GB one took 6 GB of memory and a minute.
@Test func aPipelineFileLargerThanTheLimitIsRefusedFromItsSize() throws {
  let directory = try Fixtures.temporaryDirectory("huge-pipeline")
  defer { try? FileManager.default.removeItem(at: directory) }
  let path = directory.appendingPathComponent("p.json").path
  #expect(FileManager.default.createFile(atPath: path, contents: Data(#"{"version": 1, "name": ""#.utf8)))
  let handle = try #require(FileHandle(forWritingAtPath: path))
  try handle.truncate(atOffset: UInt64(PipelineSpec.maximumFileSize + 1))
  try handle.close()
  #expect {
    _ = try PipelineSpec.load(path: path)
  } throws: { error in
    "\(error)" == "\(path): is 67108865 bytes, more than the 67108864 tl-run reads as a pipeline file"
  }
}

/// With .h5 outputs, names whose results do not collide decode: version 2 writes no `dx`, so a
/// graph node `dx` is fine, and so are dotted node names whose grads lie under no other result.
@Test func hdf5OutputsTakeNamesThatDoNotCollide() throws {
  let json =
    #"{"version": 2, "inputs": {"xs": "xs.npy", "ts": "ts.npy"}, "params": "p.npz", "graph": [{"name": "dx", "type": "TimeEmbedding", "in": "xs"}, {"name": "enc.affine", "type": "TimeAffine", "in": "dx"}, {"name": "l", "type": "TimeSoftmaxWithLoss", "in": "enc.affine", "ts": "ts"}], "loss": "l", "outputs": "r.h5"}"#
  let spec = try decode(json)
  #expect(spec.outputs == "r.h5")
}
