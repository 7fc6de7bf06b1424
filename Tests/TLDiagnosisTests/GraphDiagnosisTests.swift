import Foundation
import TLArray
import TLDiagnosis
import TLFormats
import TLPipeline
import TLTestSupport
import Testing

/// The diagnosis of version-2 graphs (docs/pipeline.md §7) on the ports of
/// testdata/graph_mistakes: each with one mistake in one node (a layer's backward, a state
/// edge, a concatenation's order, a layer's state or gate order), or none.
@Suite struct GraphDiagnosisTests {
  @Test func everyCaseIsThere() {
    #expect(GraphMistakeCase.all.count == 10)
    let kinds = Set(GraphMistakeCase.all.compactMap(\.kind))
    #expect(kinds.isSuperset(of: ["concat-order", "state-not-reset", "scaled", "gate-order", "transposed"]))
  }

  @Test(arguments: GraphMistakeCase.all.filter { $0.kind != nil })
  func thePortsMistakeIsNamedOnItsNodeAndNothingElse(_ mistake: GraphMistakeCase) throws {
    let result = try mistake.run()
    #expect(result.comparison?.isPass == false, "the port's mistake must make the comparison fail")
    let found = result.diagnosis?.diagnosis ?? []
    #expect(found.map(\.kind.rawValue) == [mistake.kind].compactMap { $0 }, "\(found.map(\.summary))")
    #expect(found.allSatisfy { $0.layer == mistake.node }, "\(found.map(\.summary))")
    #expect(found.allSatisfy { !$0.detail.isEmpty && $0.summary.hasPrefix("\($0.layer): \($0.kind.rawValue): ") })
  }

  @Test(arguments: GraphMistakeCase.all)
  func isolateNamesTheWrongNodeAndDirectionAndPassesEveryOther(_ mistake: GraphMistakeCase) throws {
    let report = try #require(try mistake.run(isolate: true).diagnosis)
    let verdicts = try #require(report.isolation)
    #expect(verdicts.count >= 6)
    guard let wrong = mistake.wrong, let direction = mistake.direction else {
      #expect(report.firstWrong == nil)
      #expect(verdicts.allSatisfy { $0.forward != .fail && $0.backward != .fail && $0.failing.isEmpty })
      return
    }
    #expect(report.firstWrong == FirstWrong(layer: wrong, direction: direction))
    for verdict in verdicts where verdict.layer != wrong {
      #expect(verdict.forward != .fail && verdict.backward != .fail, "\(verdict)")
    }
    let blamed = try #require(verdicts.first { $0.layer == wrong })
    #expect((direction == "forward" ? blamed.forward : blamed.backward) == .fail)
    if direction == "backward" { #expect(blamed.forward == .pass) }
  }

  /// Every layer node is judged both ways, a glue op forward only (its backward is exact and
  /// seen through the nodes that read its gradient).
  @Test func layerNodesAreJudgedBothWaysAndGlueForward() throws {
    let report = try #require(try GraphMistakeCase.named("correct_peekyseq2seq").run(isolate: true).diagnosis)
    let verdicts = try #require(report.isolation)
    #expect(
      verdicts.map(\.layer) == [
        "encoder.embed", "encoder.lstm", "h", "decoder.embed", "hs", "decoder.lstm_in", "decoder.lstm",
        "decoder.affine_in", "decoder.affine", "loss",
      ])
    #expect(
      verdicts.map(\.type) == [
        "TimeEmbedding", "TimeLSTM", "slice", "TimeEmbedding", "repeat", "concat", "TimeLSTM", "concat",
        "TimeAffine", "TimeSoftmaxWithLoss",
      ])
    for verdict in verdicts {
      let glue = ["slice", "repeat", "concat"].contains(verdict.type)
      #expect(verdict.forward == .pass)
      #expect(verdict.backward == (glue ? .unchecked : .pass), "\(verdict)")
    }
  }

  /// The graph form of the attention model gives the model form's verdicts.
  @Test func theGraphFormIsJudgedAsTheModelForm() throws {
    let mistake = try GraphMistakeCase.named("attention_affine_dx_twice")
    #expect(mistake.graph_form)
    let model = try #require(try mistake.run(isolate: true).diagnosis)
    let graph = try #require(try mistake.run(isolate: true, graphForm: true).diagnosis)
    #expect(graph.isolation == model.isolation && graph.firstWrong == model.firstWrong)
    #expect(graph.diagnosis == model.diagnosis)
    #expect(
      model.diagnosis.first?.array == "decoder.affine.dx" && model.diagnosis.first?.detail.contains(" 2 × ") == true)
  }

  /// PeekySeq2seq's state edge: the decoder LSTM's dh is read off the port's h.grad less the
  /// repeat's share (the sum over time of hs.grad). A port whose h.grad alone is off blames
  /// the decoder LSTM's dh and nothing else.
  @Test func aStateEdgesDhIsJudgedThroughTheValueItFlowsInto() throws {
    let mistake = try GraphMistakeCase.named("correct_peekyseq2seq")
    let report = try #require(
      try mistake.run(isolate: true) { directory in
        let file = directory.appendingPathComponent("expected/h.grad.npy").path
        let grad = try NPY.read(path: file)
        var values = grad.astype(.float64).scalars(as: Double.self)
        values[1] += 0.5
        try NPY.write(NDArray(shape: grad.shape, scalars: values).astype(grad.dtype), to: file)
      }.diagnosis)
    #expect(report.firstWrong == FirstWrong(layer: "decoder.lstm", direction: "backward"))
    let failing = report.isolation?.filter { !$0.failing.isEmpty }.map(\.failing)
    #expect(failing == [["decoder.lstm.dh"]])
  }

  /// Without the port's intermediates a failing version-2 run is still diagnosed, each node on
  /// tl-run's own values where the port has none; the correct port gets no diagnosis.
  @Test func aCorrectPortPassesWithNoDiagnosis() throws {
    for name in ["correct_seq2seq", "correct_peekyseq2seq", "correct_attentionseq2seq"] {
      let result = try GraphMistakeCase.named(name).run()
      #expect(result.comparison?.isPass == true, "\(name)")
      #expect(result.diagnosis == nil, "\(name)")
    }
  }

  @Test func isolateNeedsTheIntermediatesAndNamesTheMissingOne() throws {
    let mistake = try GraphMistakeCase.named("seq2seq_dh_twice")
    #expect {
      _ = try mistake.run(isolate: true) { directory in
        try FileManager.default.removeItem(at: directory.appendingPathComponent("expected/decoder.lstm.grad.npy"))
      }
    } throws: { error in
      "\(error)".contains("holds no \"decoder.lstm.grad\", the upstream gradient of node \"decoder.lstm\"")
        && !"\(error)".contains("\n")
    }
    #expect {
      _ = try mistake.run(isolate: true) { directory in
        try FileManager.default.removeItem(at: directory.appendingPathComponent("expected/decoder.embed.npy"))
      }
    } throws: { error in
      "\(error)".contains("holds no \"decoder.embed\", a value node \"decoder.lstm\" reads")
    }
  }
}
