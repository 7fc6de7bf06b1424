import TLArray
import TLLayers

/// `no-bptt-carry`: a TimeRNN, TimeLSTM or TimeGRU backward that does not carry `dh` (or, for
/// TimeLSTM, `dc`, or both) to the previous time step. Recomputes the backward without the
/// carry, step by step from the state the forward reached before each step:
///
/// - neither carried (every kind): each step t run by itself with only `dout[:, t]` as its
///   upstream gradient;
/// - TimeLSTM, `dc` dropped: step t from `dout[:, t] + dh` (the `dh` of step t + 1), `dc` 0;
/// - TimeLSTM, `dh` dropped: the book's `LSTM` step backward from `dh_next = dout[:, t]` and the
///   `dc_next` of step t + 1.
///
/// `dx` is the steps' `dx`, each grad the sum of the steps' grads, `dh` the first step's. The
/// detail says which carry is missing.
///
/// The 2T (TimeLSTM: 4T) one-step runs multiply on one BLAS thread: each recurrent forward
/// otherwise narrows OpenBLAS to one thread and widens it again, which starts its worker
/// threads anew per step (T 12000, N 1, H 8: 1.8 s of a 1.8 s diagnosis).
enum NoBPTTCarryDetector: MistakeDetector {
  static func detect(in context: LayerContext) -> [Finding] {
    LayerCompute.withSingleThreadedProducts { findings(context) }
  }

  private static func findings(_ context: LayerContext) -> [Finding] {
    guard ["TimeRNN", "TimeLSTM", "TimeGRU"].contains(context.typeName), context.input.rank == 3,
      context.upstream.rank == 3, let ours = context.ours["dx"], context.mayRerun
    else { return [] }
    let steps = context.input.shape[1]
    guard steps > 1, ours.count > 0, let run = StepRun(context) else { return [] }
    let lstm = context.typeName == "TimeLSTM"
    let variants: [(String, () -> [String: NDArray]?)] =
      [
        (
          lstm ? "dh and dc not carried" : "dh not carried",
          { run.backward(context, carryH: false, carryC: false) }
        )
      ]
      + (lstm
        ? [
          ("dh not carried (dc carried)", { run.backward(context, carryH: false, carryC: true) }),
          ("dc not carried (dh carried)", { run.backward(context, carryH: true, carryC: false) }),
        ] : [])
    for (what, variant) in variants {
      guard let candidate = variant(), let (keys, diff) = context.explains(candidate) else { continue }
      return [
        Finding(
          kind: .noBPTTCarry, keys: keys,
          detail:
            "with \(what) to the previous time step the port's \(context.name(keys[0])) matches to \(shortNumber(diff))"
        )
      ]
    }
    return []
  }
}

/// The layer's forward step by step: each step's input and the state before it.
private struct StepRun {
  var inputs: [NDArray] = []
  var states: [[String: NDArray]] = []
  /// The upstream gradient, converted once (each step cut from it).
  var upstreamSteps: TimeSteps

  init?(_ context: LayerContext) {
    var state = context.layer.config.state
    let xs = TimeSteps(context.input)
    upstreamSteps = TimeSteps(context.upstream)
    for t in 0..<context.input.shape[1] {
      var config = context.layer.config
      config.state = state
      let x = xs(t)
      guard let step = context.rerun(config: config, input: x, upstream: upstreamSteps(t)) else { return nil }
      inputs.append(x)
      states.append(state)
      state["h"] = step["h"]
      if let c = step["c"] { state["c"] = c }
    }
  }

  /// The backward with the chosen carries, as the time layer's results (`dx`, grads, `dh`).
  func backward(_ context: LayerContext, carryH: Bool, carryC: Bool) -> [String: NDArray]? {
    guard let ours = context.ours["dx"] else { return nil }
    let steps = inputs.count
    var dxSteps = [[Double]](repeating: [], count: steps)
    var grads: [String: [Double]] = [:]
    var dh: NDArray?
    var dc: NDArray?
    for t in (0..<steps).reversed() {
      let upstream = upstreamSteps(t)
      let result: (dx: NDArray, grads: [String: NDArray], dh: NDArray?, dc: NDArray?)
      if carryC {
        guard let step = lstmStep(context, t, dhNext: upstream, dcNext: dc) else { return nil }
        result = step
      } else {
        var dout = upstream
        if carryH, let carried = dh {
          let shape = upstream.shape
          let sum = zip(DoubleArray.values(upstream), DoubleArray.values(carried)).map(+)
          dout = DoubleArray.make(sum, shape: shape, dtype: DType.promote(upstream.dtype, carried.dtype))
        }
        var config = context.layer.config
        config.state = states[t]
        guard let step = context.rerun(config: config, input: inputs[t], upstream: dout), let dx = step["dx"] else {
          return nil
        }
        var stepGrads: [String: NDArray] = [:]
        for param in context.layer.kind.paramNames { stepGrads["d\(param)"] = step["d\(param)"] }
        result = (dx, stepGrads, step["dh"], nil)
      }
      dxSteps[t] = DoubleArray.values(result.dx)
      for param in context.layer.kind.paramNames {
        guard let grad = result.grads["d\(param)"] else { return nil }
        let values = DoubleArray.values(grad)
        grads["d\(param)"] = zip(grads["d\(param)"] ?? values.map { _ in 0 }, values).map(+)
      }
      dh = result.dh
      dc = result.dc
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
    variant["dh"] = dh.map { array in context.ours["dh"].map { array.astype($0.dtype) } ?? array }
    return variant
  }

  /// Step t of a TimeLSTM as the book's `LSTM` (common/time_layers.py): forward from the state
  /// before it, backward from `dhNext` (N, 1, H) and `dcNext` (zeros when nil).
  private func lstmStep(_ context: LayerContext, _ t: Int, dhNext: NDArray, dcNext: NDArray?) -> (
    dx: NDArray, grads: [String: NDArray], dh: NDArray?, dc: NDArray?
  )? {
    let params = context.layer.config.params
    guard let Wx = params["Wx"], let Wh = params["Wh"], let b = params["b"] else { return nil }
    let x = inputs[t]
    let (n, hidden) = (x.shape[0], Wh.shape[0])
    let h = states[t]["h"] ?? NDArray(zeros: .float32, shape: [n, hidden])
    let c = states[t]["c"] ?? NDArray(zeros: .float32, shape: [n, hidden])
    let step = RecurrentStep(.lstm, Wx: Wx, Wh: Wh, b: b)
    guard (try? step.forward(x: x.reshaped([n, x.shape[2]]), hPrev: h, cPrev: c)) != nil,
      let result = try? step.backward(dhNext: dhNext.reshaped([n, hidden]), dcNext: dcNext)
    else { return nil }
    let grads = Dictionary(uniqueKeysWithValues: zip(["dWx", "dWh", "db"], step.grads))
    return (result.dx.reshaped([n, 1, x.shape[2]]), grads, result.dhPrev, result.dcPrev)
  }
}
