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
    var ids: [Int] = []
    for value in DoubleArray.values(context.input) {
      guard let id = DoubleArray.wholeNumber(value) else { return [] }
      ids.append(id)
    }
    let dout = DoubleArray.values(context.upstream)
    let (vocabulary, width) = (weight.shape[0], weight.shape[1])
    guard vocabulary > 0, dout.count == ids.count * width else { return [] }
    let steps = context.typeName == "TimeEmbedding" && context.input.rank == 2 ? context.input.shape[1] : 1
    // Each group's positions once (N·T in all), never a scan of every position per step.
    let variants: [(String, [[Int]])] = [
      ("per time step, then summed", (0..<steps).map { t in Array(stride(from: t, to: ids.count, by: steps)) }),
      ("over the whole batch", [Array(ids.indices)]),
    ]
    for (how, groups) in variants {
      // dW[ids] = dout keeps each id's last row of a group: walk the group backwards and add
      // the first row met per id (`written` marks ids by group, so nothing is V·D per group).
      var dW = [Double](repeating: 0, count: vocabulary * width)
      var written = [Int](repeating: -1, count: vocabulary)
      for (g, group) in groups.enumerated() {
        for position in group.reversed() {
          let id = (ids[position] % vocabulary + vocabulary) % vocabulary
          guard written[id] != g else { continue }
          written[id] = g
          for k in 0..<width { dW[id * width + k] += dout[position * width + k] }
        }
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
