import TLArray
import TLLayers

extension BookModel {
  /// The book's greedy `generate(xs, start_id, sample_size)` of the seq2seq models
  /// (pipeline.md §6.5): the encoder on xs (1, T_enc), the decoder's `set_state(h)`, then
  /// `sampleSize` steps of one id (1, 1) through embed → lstm (→ attention) → affine, each
  /// taking `np.argmax` of the scores (the first maximum). Returns the ids, int64 (sample_size,).
  public func generate(params: [String: NDArray], xs: NDArray, startID: Int64, sampleSize: Int) throws -> NDArray {
    guard [.seq2seq, .peekySeq2seq, .attentionSeq2seq].contains(self) else {
      throw GraphError("generate", "\(rawValue) does not generate; the seq2seq models do")
    }
    guard xs.rank == 2, xs.shape[0] == 1 else {
      throw GraphError("inputs.xs", "generate takes xs of shape (1, T_enc), got \(Shape.describe(xs.shape))")
    }
    func make(_ type: String, _ name: String, state: [String: NDArray] = [:], inputs: [String: NDArray] = [:]) throws
      -> any Layer
    {
      guard let kind = LayerRegistry.kind(named: type) else { throw GraphError("model", "no layer \(type)") }
      var own: [String: NDArray] = [:]
      for key in kind.paramNames { own[key] = params["\(name).\(key)"] }
      return try kind.make(LayerConfig(name: name, params: own, inputs: inputs, state: state))
    }
    let encoderHs = try make("TimeLSTM", "encoder.lstm").forward(try make("TimeEmbedding", "encoder.embed").forward(xs))
    let h = try ValueReference(value: "hs", time: .step(-1)).apply(encoderHs, path: "generate")
    let peeky = Glue.repeatOverTime(h, t: 1)
    var state = ["h": h]
    var sampled: [Int64] = []
    var id = startID
    for _ in 0..<sampleSize {
      let ids = NDArray(shape: [1, 1], scalars: [id])
      var out = try make("TimeEmbedding", "decoder.embed").forward(ids)
      if self == .peekySeq2seq { out = Glue.concatenate([peeky, out]) }
      let lstm = try make("TimeLSTM", "decoder.lstm", state: state)
      let decoderHs = try lstm.forward(out)
      state = Dictionary(
        lstm.extraOutputs.filter { ["h", "c"].contains($0.name) }.map { ($0.name, $0.array) },
        uniquingKeysWith: { first, _ in first })
      out = decoderHs
      if self == .peekySeq2seq { out = Glue.concatenate([peeky, out]) }
      if self == .attentionSeq2seq {
        let context = try make("TimeAttention", "decoder.attention", inputs: ["hs_enc": encoderHs]).forward(decoderHs)
        out = Glue.concatenate([context, decoderHs])
      }
      let score = try make("TimeAffine", "decoder.affine").forward(out)
      id = Int64(Self.argmax(score))
      sampled.append(id)
    }
    return NDArray(shape: [sampled.count], scalars: sampled)
  }

  /// `np.argmax` of the flattened array: the first index of the maximum (NaN wins, as NumPy).
  static func argmax(_ array: NDArray) -> Int {
    var best = 0
    for i in 0..<array.count {
      let (value, current) = (array.double(atFlat: i), array.double(atFlat: best))
      if current.isNaN { break }
      if value.isNaN || value > current { best = i }
    }
    return best
  }
}
