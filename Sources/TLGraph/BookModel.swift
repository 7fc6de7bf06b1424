import TLArray
import TLLayers

/// The book's models as graphs (pipeline.md §6.3): each class's layers, concatenations and
/// state edges exactly as the book builds them. Sizes come from the params' shapes.
public enum BookModel: String, CaseIterable, Sendable {
  case simpleRnnlm = "SimpleRnnlm"
  case rnnlm = "Rnnlm"
  case betterRnnlm = "BetterRnnlm"
  case seq2seq = "Seq2seq"
  case peekySeq2seq = "PeekySeq2seq"
  case attentionSeq2seq = "AttentionSeq2seq"

  /// The param names in the book's `params` order.
  public var paramNames: [String] {
    let coder = { (part: String) in
      ["\(part).embed.W", "\(part).lstm.Wx", "\(part).lstm.Wh", "\(part).lstm.b"]
    }
    switch self {
    case .simpleRnnlm: return ["embed.W", "rnn.Wx", "rnn.Wh", "rnn.b", "affine.W", "affine.b"]
    case .rnnlm: return ["embed.W", "lstm.Wx", "lstm.Wh", "lstm.b", "affine.W", "affine.b"]
    case .betterRnnlm:
      return ["embed.W", "lstm1.Wx", "lstm1.Wh", "lstm1.b", "lstm2.Wx", "lstm2.Wh", "lstm2.b", "affine.b"]
    case .seq2seq, .peekySeq2seq, .attentionSeq2seq:
      return coder("encoder") + coder("decoder") + ["decoder.affine.W", "decoder.affine.b"]
    }
  }

  /// The graph of the model (nodes in the book's forward order; the loss node is `loss`).
  /// `params` holds every name of ``paramNames``; throws ``GraphError`` at `params` otherwise.
  public func graph(
    params: [String: NDArray], dropoutRatio: Double = 0.5, train: Bool = true
  ) throws(GraphError) -> [GraphNode] {
    for name in paramNames where params[name] == nil {
      throw GraphError("params", "\(rawValue) needs param \(name)")
    }
    var index = 0
    func layer(
      _ name: String, _ type: String, _ input: String, extras: [(String, String)] = [],
      state: [(String, String)] = [], stateful: Bool = false, options: LayerOptions = [:]
    ) throws(GraphError) -> GraphNode {
      guard let kind = LayerRegistry.kind(named: type) else { throw GraphError("model", "no layer \(type)") }
      var own: [String: NDArray] = [:]
      for key in kind.paramNames { own[key] = params["\(name).\(key)"] }
      defer { index += 1 }
      return GraphNode(
        name: name, path: "model.\(name)", operation: .layer(kind, options),
        inputs: [try reference(input)],
        extraInputs: try extras.map { (key, text) throws(GraphError) in (key, try reference(text)) },
        setState: try state.map { (key, text) throws(GraphError) in (key, try reference(text)) },
        stateful: stateful, params: own)
    }
    func glue(_ name: String, _ operation: GraphNode.Operation, _ inputs: [String]) throws(GraphError) -> GraphNode {
      GraphNode(
        name: name, path: "model.\(name)", operation: operation,
        inputs: try inputs.map { text throws(GraphError) in try reference(text) })
    }
    func reference(_ text: String) throws(GraphError) -> ValueReference {
      try ValueReference(parsing: text, path: "model")
    }
    let loss = { (input: String, ts: String) throws(GraphError) in
      try layer("loss", "TimeSoftmaxWithLoss", input, extras: [("ts", ts)])
    }
    switch self {
    case .simpleRnnlm, .rnnlm:
      let rnn = self == .simpleRnnlm ? ("rnn", "TimeRNN") : ("lstm", "TimeLSTM")
      return [
        try layer("embed", "TimeEmbedding", "xs"), try layer(rnn.0, rnn.1, "embed", stateful: true),
        try layer("affine", "TimeAffine", rnn.0), try loss("affine", "ts"),
      ]
    case .betterRnnlm:
      let drop = { (name: String, input: String) throws(GraphError) in
        try layer(name, "TimeDropout", input, options: ["ratio": .number(dropoutRatio), "train": .bool(train)])
      }
      var affine = try layer("affine", "TimeAffine", "drop3")
      if let embedW = params["embed.W"] {  // TimeAffine(embed_W.T, affine_b): the tied weight
        affine.params["W"] = Glue.transposed(embedW)
        affine.ties["W"] = GraphNode.Tie(source: "embed.W", transposed: true)
      }
      return [
        try layer("embed", "TimeEmbedding", "xs"), try drop("drop1", "embed"),
        try layer("lstm1", "TimeLSTM", "drop1", stateful: true), try drop("drop2", "lstm1"),
        try layer("lstm2", "TimeLSTM", "drop2", stateful: true), try drop("drop3", "lstm2"), affine,
        try loss("affine", "ts"),
      ]
    case .seq2seq:
      return [
        try layer("encoder.embed", "TimeEmbedding", "xs"),
        try layer("encoder.lstm", "TimeLSTM", "encoder.embed"),
        try layer("decoder.embed", "TimeEmbedding", "ts[:, :-1]"),
        try layer("decoder.lstm", "TimeLSTM", "decoder.embed", state: [("h", "encoder.lstm[:, -1]")], stateful: true),
        try layer("decoder.affine", "TimeAffine", "decoder.lstm"), try loss("decoder.affine", "ts[:, 1:]"),
      ]
    case .peekySeq2seq:
      return [
        try layer("encoder.embed", "TimeEmbedding", "xs"),
        try layer("encoder.lstm", "TimeLSTM", "encoder.embed"),
        try glue("h", .slice, ["encoder.lstm[:, -1]"]),
        try layer("decoder.embed", "TimeEmbedding", "ts[:, :-1]"),
        try glue("hs", .repeatOverTime(like: try reference("decoder.embed")), ["h"]),
        try glue("decoder.lstm_in", .concat, ["hs", "decoder.embed"]),
        try layer("decoder.lstm", "TimeLSTM", "decoder.lstm_in", state: [("h", "h")], stateful: true),
        try glue("decoder.affine_in", .concat, ["hs", "decoder.lstm"]),
        try layer("decoder.affine", "TimeAffine", "decoder.affine_in"), try loss("decoder.affine", "ts[:, 1:]"),
      ]
    case .attentionSeq2seq:
      return [
        try layer("encoder.embed", "TimeEmbedding", "xs"),
        try layer("encoder.lstm", "TimeLSTM", "encoder.embed"),
        try layer("decoder.embed", "TimeEmbedding", "ts[:, :-1]"),
        try layer("decoder.lstm", "TimeLSTM", "decoder.embed", state: [("h", "encoder.lstm[:, -1]")], stateful: true),
        try layer("decoder.attention", "TimeAttention", "decoder.lstm", extras: [("hs_enc", "encoder.lstm")]),
        try glue("decoder.affine_in", .concat, ["decoder.attention", "decoder.lstm"]),
        try layer("decoder.affine", "TimeAffine", "decoder.affine_in"), try loss("decoder.affine", "ts[:, 1:]"),
      ]
    }
  }
}
