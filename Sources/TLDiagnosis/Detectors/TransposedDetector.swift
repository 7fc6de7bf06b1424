import TLArray

/// `transposed`: a weight or gradient used transposed. Two tests: the port's 2-D array is
/// tl-run's transposed (a gradient written as `dW.T`, of shape (H, D) for (D, H)); or the
/// layer, rerun with one square 2-D param transposed (a port computing `x @ W.T`), explains
/// the port's arrays.
enum TransposedDetector: MistakeDetector {
  static func detect(in context: LayerContext) -> [Finding] {
    // A weight used transposed explains the most arrays (out, dx and the grads): tried first.
    for param in context.layer.kind.paramNames {
      guard let weight = context.layer.config.params[param], weight.rank == 2, weight.shape[0] == weight.shape[1]
      else { continue }
      var config = context.layer.config
      config.params[param] = weight.transposed()
      guard var variant = context.rerun(config: config) else { continue }
      if let grad = variant["d\(param)"] { variant["d\(param)"] = grad.transposed() }
      guard let (keys, diff) = context.explains(variant) else { continue }
      return [
        Finding(
          kind: .transposed, keys: keys,
          detail:
            "with \(param) used transposed (\(param).T) the port's \(context.name(keys[0])) matches to \(shortNumber(diff))"
        )
      ]
    }
    return context.failing.compactMap { key in
      guard let ours = context.ours[key], let port = context.port[key], ours.rank == 2, port.rank == 2,
        port.shape == [ours.shape[1], ours.shape[0]], ours.dtype.isFloatingPoint,
        let diff = context.matches(key, DoubleArray.values(ours.transposed()))
      else { return nil }
      return Finding(
        kind: .transposed, keys: [key],
        detail:
          "the port's \(context.name(key)) is tl-run's transposed (shape \(port.shape) for \(ours.shape)) to \(shortNumber(diff))"
      )
    }
  }
}
