import TLArray

/// `time-shift`: the port's time-layer array holds the right values one time step off, or
/// reversed in time. Compares the port's step t with tl-run's step t − 1 (one step late),
/// t + 1 (one step early) over the steps both have, and T − 1 − t (reversed), each judged by
/// ``Evidence`` over the steps that have a source.
enum TimeShiftDetector: MistakeDetector {
  static func detect(in context: LayerContext) -> [Finding] {
    guard context.isTimeLayer else { return [] }
    return context.failing.compactMap { key in
      guard Location.hasTimeAxis(key), let ours = context.ours[key], let port = context.port[key],
        ours.shape == port.shape, ours.rank >= 2, ours.shape[1] >= 2, let tolerance = context.tolerances[key]
      else { return nil }
      let steps = ours.shape[1]
      let a = DoubleArray.values(ours)
      let e = DoubleArray.values(port)
      let shifts: [(String, (Int) -> Int?)] = [
        ("reversed in time: the port's step t is tl-run's step T-1-t", { steps - 1 - $0 }),
        ("one step late: the port's step t is tl-run's step t-1", { $0 >= 1 ? $0 - 1 : nil }),
        ("one step early: the port's step t is tl-run's step t+1", { $0 + 1 < steps ? $0 + 1 : nil }),
      ]
      for (how, source) in shifts where steps >= 3 || how.hasPrefix("reversed") {
        // Over the steps that have a source: the shifted steps, tl-run's own and the port's.
        var (candidate, own, expected) = ([Double](), [Double](), [Double]())
        for t in 0..<steps {
          guard let s = source(t) else { continue }
          candidate += DoubleArray.step(a, shape: ours.shape, s)
          own += DoubleArray.step(a, shape: ours.shape, t)
          expected += DoubleArray.step(e, shape: ours.shape, t)
        }
        let judged = Evidence.judge(candidate: candidate, ours: own, port: expected, tolerance: tolerance)
        let worst = judged.maxDiff
        if judged.explains {
          return Finding(
            kind: .timeShift, keys: [key], detail: "\(context.name(key)) is \(how), to \(shortNumber(worst))")
        }
      }
      return nil
    }
  }
}
