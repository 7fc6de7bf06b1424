import TLArray

/// `no-bptt-carry`: a TimeRNN, TimeLSTM or TimeGRU backward that does not carry `dh` (and
/// `dc`) to the previous time step. Recomputes the backward without the carry: each step t run
/// by itself from the state the forward reached before it, with only `dout[:, t]` as its
/// upstream gradient; `dx` is the steps' `dx`, each grad the sum of the steps' grads, `dh`
/// the first step's.
enum NoBPTTCarryDetector: MistakeDetector {
  static func detect(in context: LayerContext) -> [Finding] {
    guard ["TimeRNN", "TimeLSTM", "TimeGRU"].contains(context.typeName), context.input.rank == 3,
      context.upstream.rank == 3, let ours = context.ours["dx"]
    else { return [] }
    let steps = context.input.shape[1]
    guard steps > 1, ours.count > 0 else { return [] }
    var state = context.layer.config.state
    var dxSteps: [[Double]] = []
    var grads: [String: [Double]] = [:]
    var dh: NDArray?
    for t in 0..<steps {
      var config = context.layer.config
      config.state = state
      guard
        let step = context.rerun(
          config: config, input: DoubleArray.timeSlice(context.input, t..<t + 1),
          upstream: DoubleArray.timeSlice(context.upstream, t..<t + 1)),
        let dx = step["dx"]
      else { return [] }
      dxSteps.append(DoubleArray.values(dx))
      for param in context.layer.kind.paramNames {
        guard let grad = step["d\(param)"] else { return [] }
        let values = DoubleArray.values(grad)
        grads["d\(param)"] = zip(grads["d\(param)"] ?? values.map { _ in 0 }, values).map(+)
      }
      if t == 0 { dh = step["dh"] }
      state["h"] = step["h"]
      if let c = step["c"] { state["c"] = c }
    }
    var variant = context.ours
    let (n, inner) = (ours.shape[0], ours.count / (ours.shape[0] * steps))
    var dx = [Double](repeating: 0, count: ours.count)
    for t in 0..<steps {
      for i in 0..<n { for k in 0..<inner { dx[(i * steps + t) * inner + k] = dxSteps[t][i * inner + k] } }
    }
    variant["dx"] = DoubleArray.make(dx, shape: ours.shape, dtype: ours.dtype)
    for (key, values) in grads {
      guard let grad = context.ours[key] else { continue }
      variant[key] = DoubleArray.make(values, shape: grad.shape, dtype: grad.dtype)
    }
    variant["dh"] = dh
    guard let (keys, diff) = context.explains(variant) else { return [] }
    return [
      Finding(
        kind: .noBPTTCarry, keys: keys,
        detail:
          "with dh not carried to the previous time step (each step's backward from dout[:, t] alone) the port's \(context.name(keys[0])) matches to \(shortNumber(diff))"
      )
    ]
  }
}
