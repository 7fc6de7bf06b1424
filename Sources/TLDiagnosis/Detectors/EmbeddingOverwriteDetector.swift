import TLArray

/// `embedding-overwrite`: an embedding backward that assigns `dW[idx] = dout` instead of
/// `np.add.at(dW, idx, dout)`, so repeated ids keep only their last row. Computes that `dW`
/// (per time step and summed, as TimeEmbedding's loop of Embeddings would; or over the whole
/// batch at once) and compares it with the port's.
enum EmbeddingOverwriteDetector: MistakeDetector {
  static func detect(in context: LayerContext) -> [Finding] {
    guard ["Embedding", "TimeEmbedding"].contains(context.typeName), context.failing.contains("dW"),
      let weight = context.layer.config.params["W"], weight.rank == 2
    else { return [] }
    let ids = DoubleArray.values(context.input).map { Int($0) }
    let dout = DoubleArray.values(context.upstream)
    let (vocabulary, width) = (weight.shape[0], weight.shape[1])
    guard dout.count == ids.count * width else { return [] }
    let steps = context.typeName == "TimeEmbedding" && context.input.rank == 2 ? context.input.shape[1] : 1
    let variants: [(String, [[Int]])] = [
      ("per time step, then summed", (0..<steps).map { t in ids.indices.filter { $0 % steps == t } }),
      ("over the whole batch", [Array(ids.indices)]),
    ]
    for (how, groups) in variants {
      var dW = [Double](repeating: 0, count: vocabulary * width)
      for group in groups {
        var step = [Double](repeating: 0, count: vocabulary * width)
        var written = Set<Int>()
        for position in group {
          let id = (ids[position] % vocabulary + vocabulary) % vocabulary
          written.insert(id)
          for k in 0..<width { step[id * width + k] = dout[position * width + k] }
        }
        for id in written { for k in 0..<width { dW[id * width + k] += step[id * width + k] } }
      }
      guard let diff = context.matches("dW", dW) else { continue }
      return [
        Finding(
          kind: .embeddingOverwrite, keys: ["dW"],
          detail:
            "the port's \(context.name("dW")) is dW[ids] = dout (\(how)), which keeps one row of each repeated id, to \(shortNumber(diff)); the book adds them with np.add.at"
        )
      ]
    }
    return []
  }
}
