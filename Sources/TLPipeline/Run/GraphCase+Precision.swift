import TLArray
import TLCompare

extension GraphCase {
  /// The arithmetic behind a version-2 run's outputs, for the default tolerances (README
  /// "Verdicts"), estimated from the loaded arrays as version 1's ``LoadedCase/precision`` does.
  ///
  /// The dtype is float32 when any float input or param is, or when the graph holds a recurrent
  /// layer (a param named `Wh`): the book's TimeRNN, TimeLSTM and TimeGRU keep `hs` in float32
  /// buffers whatever their weights. K adds the N·T rows of the largest input, then for each
  /// 2-d param its rows + columns (the inner dimensions of its products forward and backward),
  /// times T for a recurrent weight, whose products repeat at every step; a training run's
  /// steps multiply it, since each update rests on the rounding of the one before.
  static func precision(inputs: [String: NDArray], params: [String: NDArray], steps: Int) -> Precision {
    let rows =
      inputs.values.map { input in
        input.dtype.isFloatingPoint ? input.shape.dropLast().reduce(1, *) : input.shape.reduce(1, *)
      }.max() ?? 1
    let times = inputs.values.compactMap { $0.shape.count >= 2 ? $0.shape[1] : nil }.max() ?? 1
    var terms = rows
    var recurrent = false
    for (name, param) in params where param.shape.count == 2 {
      let isRecurrent = name.split(separator: ".").last.map { $0.hasPrefix("Wh") } ?? false
      recurrent = recurrent || isRecurrent
      terms += (param.shape[0] + param.shape[1]) * (isRecurrent ? times : 1)
    }
    let floats = (inputs.values.map(\.dtype) + params.values.map(\.dtype)).filter(\.isFloatingPoint)
    let dtype: DType = recurrent || floats.contains(.float32) || floats.isEmpty ? .float32 : .float64
    return Precision(dtype: dtype, terms: terms * max(1, steps))
  }
}
