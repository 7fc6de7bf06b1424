import Foundation
import TLArray
import TLFormats
import TLIO
import TLPipeline
import TLTestSupport
import Testing

/// Version 2's shape and dtype inference (pipeline.md §6.1 "Errors before compute"): every
/// mismatch is found before anything is computed, with one message naming the node's JSON path
/// and the shapes, and nothing is written. The graphs are pipelines/graph_peeky_seq2seq's
/// (N 3, T_enc 5, T_dec 4, D 3, H 4, V 9) with one node changed or added.
@Suite("Version-2 shape inference before compute")
struct GraphInferenceTests {
  /// A change to the peeky graph's node list (and its inputs), and the error it must give.
  struct Mismatch {
    var what: String
    var edit: (inout [[String: Any]], inout [String: Any]) -> Void
    var expected: String
  }

  /// `xs2.npy`: int64 ids of shape (2, 5), an input whose N differs from xs'.
  static let otherN = NDArray(zeros: .int64, shape: [2, 5])

  static var mismatches: [Mismatch] {
    [
      Mismatch(
        what: "concat of unequal N",
        edit: { graph, inputs in
          inputs["xs2"] = "xs2.npy"
          graph.insert(
            ["name": "other", "type": "TimeEmbedding", "in": "xs2[:, 1:]", "params": ["W": "decoder.embed.W"]], at: 5)
          graph[6]["in"] = ["hs", "other"]
        },
        expected: "graph[6].in[1]: concat parts have N 3 and 2 ('hs' (3, 4, 4), 'other' (2, 4, 3))"),
      Mismatch(
        what: "concat of unequal T",
        edit: { graph, _ in graph[5]["in"] = ["hs", "encoder.embed"] },
        expected: "graph[5].in[1]: concat parts have T 4 and 5 ('hs' (3, 4, 4), 'encoder.embed' (3, 5, 3))"),
      Mismatch(
        what: "concat of unequal ranks",
        edit: { graph, _ in graph[5]["in"] = ["hs", "h"] },
        expected: "graph[5].in[1]: concat parts have ranks 3 and 2 ('hs' (3, 4, 4), 'h' (3, 4))"),
      Mismatch(
        what: "concat of a 0-d value",
        edit: { graph, _ in graph.append(["name": "c", "op": "concat", "in": ["loss", "loss"]]) },
        expected: "graph[10].in[0]: concat joins values on their last axis; 'loss' is 0-d"),
      Mismatch(
        what: "set_state h of the wrong shape",
        edit: { graph, _ in graph[6]["set_state"] = ["h": "decoder.embed[:, 0]"] },
        expected: #"graph[6]: TimeLSTM "decoder.lstm" expects state h of shape (N,H) = (3,4), got (3,3)"#),
      Mismatch(
        what: "a tie whose transpose does not fit",
        edit: { graph, _ in graph[8]["params"] = ["W": ["tied": "decoder.affine.W", "transpose": true]] },
        expected:
          #"graph[8]: TimeAffine "decoder.affine" b of shape (9,) does not fit W of shape (9,8): expects b of shape (M,) = (8,) (W is decoder.affine.W transposed, (9, 8))"#
      ),
      Mismatch(
        what: "a time step out of range",
        edit: { graph, _ in graph[2]["in"] = "encoder.lstm[:, 5]" },
        expected: "graph[2].in: 'encoder.lstm[:, 5]': index 5 is out of range for T = 5"),
      Mismatch(
        what: "an empty time slice",
        edit: { graph, _ in graph[3]["in"] = "ts[:, 5:]" },
        expected: "graph[3].in: 'ts[:, 5:]' is empty for T = 5"),
      Mismatch(
        what: "split sizes that do not add up",
        edit: { graph, _ in graph.insert(["name": "parts", "op": "split", "in": "hs", "sizes": [3, 2]], at: 5) },
        expected: "graph[5].sizes: split sizes add up to 5 (3+2), not to the last axis of 'hs' of shape (3, 4, 4)"),
      Mismatch(
        what: "sum of unequal shapes",
        edit: { graph, _ in graph.insert(["name": "both", "op": "sum", "in": ["hs", "decoder.embed"]], at: 5) },
        expected: "graph[5].in[1]: sum parts have shapes (3, 4, 4) ('hs') and (3, 4, 3) ('decoder.embed')"),
      Mismatch(
        what: "sum of ids",
        edit: { graph, _ in graph.insert(["name": "both", "op": "sum", "in": ["xs", "xs"]], at: 5) },
        expected: "graph[5].in[0]: sum adds float32 or float64 values, got 'xs' of int64"),
      Mismatch(
        what: "repeat like a value of another N",
        edit: { graph, inputs in
          inputs["xs2"] = "xs2.npy"
          graph[4]["like"] = "xs2"
        },
        expected:
          #"graph[4].like: repeat needs a value of shape (N,T,…) with N = 3 as in "in", got 'xs2' of shape (2, 5)"#),
      Mismatch(
        what: "repeat of a value that is not (N, H)",
        edit: { graph, _ in graph[4]["in"] = "encoder.lstm" },
        expected: "graph[4].in: repeat takes a value of shape (N,H), got (3, 5, 4)"),
      Mismatch(
        what: "ts of the wrong N·T",
        edit: { graph, _ in graph[9]["ts"] = "ts" },
        expected: #"graph[9]: TimeSoftmaxWithLoss "loss" expects ts of shape (3,4), got (3,5)"#),
      Mismatch(
        what: "a param of the wrong shape for the layer kind",
        edit: { graph, _ in graph[1]["params"] = ["Wx": "decoder.lstm.Wx"] },
        expected:
          #"graph[1]: TimeLSTM "encoder.lstm" Wx of shape (7,16) does not fit xs of shape (3,5,3) and Wh of shape (4,16): expects Wx of shape (D,4H) = (3,16) (Wx is decoder.lstm.Wx, (7, 16))"#
      ),
    ]
  }

  @Test func everyMismatchIsFoundBeforeCompute() throws {
    for mismatch in Self.mismatches {
      let scratch = try ScratchCase(copying: "graph_peeky_seq2seq")
      defer { scratch.remove() }
      try NPY.write(Self.otherN, to: scratch.path("xs2.npy"))
      try scratch.editPipeline { object in
        guard var graph = object["graph"] as? [[String: Any]], var inputs = object["inputs"] as? [String: Any] else {
          return
        }
        mismatch.edit(&graph, &inputs)
        (object["graph"], object["inputs"]) = (graph, inputs)
      }
      do {
        _ = try scratch.run()
        Issue.record("ran: \(mismatch.what)")
      } catch {
        #expect("\(error)" == "\(scratch.pipeline): \(mismatch.expected)", "\(mismatch.what)")
      }
      #expect(!scratch.exists("out"), "\(mismatch.what): nothing is written")
    }
  }
}

extension ScratchCase {
  /// A copy of `testdata/models/NAME` in a fresh directory.
  init(copyingModel name: String) throws {
    let root = try Fixtures.temporaryDirectory("runner")
    directory = root.appendingPathComponent(name)
    try FileManager.default.copyItem(
      at: Fixtures.repositoryRoot.appendingPathComponent("testdata/models/\(name)"), to: directory)
  }

  /// Rewrites `params.npz` with `name` replaced by `array`.
  func replaceParam(_ name: String, with array: NDArray) throws {
    let location = ArrayLocation(parsing: path("params.npz"))
    let params = try ArrayIO.readAll(location).map { $0.name == name ? (name: name, array: array) : $0 }
    try ArrayIO.write(params, to: location, mode: .runOutputs)
  }
}

/// The model form is inferred as the graph it stands for: its paths are `model.LAYER`.
@Suite("Version-2 shape inference of the model form")
struct ModelInferenceTests {
  static func expectFailure(_ scratch: ScratchCase, _ expected: String) {
    do {
      _ = try scratch.run()
      Issue.record("ran: \(expected)")
    } catch {
      #expect("\(error)" == "\(scratch.pipeline): \(expected)")
    }
    #expect(!scratch.exists("out"), "nothing is written")
  }

  @Test func aParamOfTheWrongShapeForItsLayer() throws {
    let scratch = try ScratchCase(copyingModel: "seq2seq_f32")
    defer { scratch.remove() }
    try scratch.replaceParam("decoder.lstm.Wh", with: NDArray(zeros: .float32, shape: [4, 12]))
    Self.expectFailure(scratch, #"model.decoder.lstm: TimeLSTM "decoder.lstm" expects Wh of shape (H,4H), got (4,12)"#)
  }

  /// Step 1's batch has N 3 while the stateful LSTM carries step 0's h of N 2, which the book's
  /// `np.dot(h, Wh) + ...` cannot broadcast either.
  @Test func aTrainingStepWhoseBatchDoesNotFitTheCarriedState() throws {
    let scratch = try ScratchCase(copyingModel: "rnnlm_sgd_f32")
    defer { scratch.remove() }
    for name in ["xs_1", "ts_1"] {
      try NPY.write(NDArray(zeros: .int32, shape: [3, 5]), to: scratch.path(name + ".npy"))
    }
    Self.expectFailure(
      scratch, #"model.lstm: TimeLSTM "lstm" expects state c of shape (N,H) = (3,4), got (2,4) (train step 1)"#)
  }

  /// Generation is inferred on xs (1, T_enc) and one id per decoder step.
  @Test func generationChecksItsParamsFirst() throws {
    let scratch = try ScratchCase(copyingModel: "seq2seq_generate_f32")
    defer { scratch.remove() }
    try scratch.replaceParam("decoder.affine.b", with: NDArray(zeros: .float32, shape: [7]))
    Self.expectFailure(
      scratch,
      #"model.decoder.affine: TimeAffine "decoder.affine" b of shape (7,) does not fit W of shape (4,9): expects b of shape (M,) = (9,)"#
    )
  }
}
