import TLArray
import TLCompare
import TLLayers

/// The arithmetic behind a run's outputs, estimated from its loaded arrays before computing:
/// what the default tolerances are derived from (``Precision``, README "Verdicts").
extension LoadedCase {
  /// The dtype is the least precise float dtype of every array that enters the computation
  /// (input, params, extra inputs, states, dout) or that a layer returns: a float32 part rounds
  /// everything downstream of it forward and upstream of it backward; the book's recurrent
  /// layers return float32 hs whatever their inputs; and NumPy's float64 loss of a float32
  /// softmax carries float32's precision.
  ///
  /// K adds up, as variances of independent rounding errors add, the lengths of the sums
  /// behind the outputs: the R = N·T rows every gradient of a param is summed over, plus per
  /// layer the inner dimensions of its matrix products forward and backward (rows + columns of
  /// each 2-d param; for a layer without one, the width of its input's last axis, which softmax
  /// and attention sum over), times T for a recurrent layer (a param named `Wh…`), whose
  /// products repeat at every step. A lookup table (a layer fed integer ids) sums nothing.
  public var precision: Precision {
    var arrays: [NDArray] = [input, dout]
    for config in configs {
      arrays += Array(config.params.values) + Array(config.inputs.values) + Array(config.state.values)
    }
    // Every layer's output counts too: the book's TimeRNN, TimeLSTM and TimeGRU keep hs in a
    // float32 buffer (`dtype='f'`), so a float64 chain behind one rests on float32 values.
    let floats = (arrays.map(\.dtype) + signatures.map(\.dtype)).filter(\.isFloatingPoint)
    let dtype = floats.max { Precision(dtype: $0, terms: 1).epsilon < Precision(dtype: $1, terms: 1).epsilon }
    var terms = input.dtype.isFloatingPoint ? input.shape.dropLast().reduce(1, *) : input.shape.reduce(1, *)
    var incoming = ArraySignature(input)
    for (config, signature) in zip(configs, signatures) {
      defer { incoming = signature }
      if !incoming.dtype.isFloatingPoint { continue }  // a lookup: Embedding, TimeEmbedding
      let matrices = config.params.values.filter { $0.shape.count == 2 }
      var width = matrices.reduce(0) { $0 + $1.shape[0] + $1.shape[1] }
      if matrices.isEmpty { width = incoming.shape.last ?? 1 }
      let recurrent = config.params.keys.contains { $0.hasPrefix("Wh") }
      let steps = recurrent && incoming.shape.count == 3 ? incoming.shape[1] : 1
      terms += width * steps
    }
    return Precision(dtype: dtype ?? .float64, terms: terms)
  }
}
