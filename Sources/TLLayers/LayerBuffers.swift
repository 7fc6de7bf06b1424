import TLArray

/// The dtype of the book's `'f'` buffers: `np.empty(..., dtype='f')` / `np.zeros(..., dtype='f')`
/// in TimeRNN/TimeLSTM/TimeGRU (hs, dxs and the zero initial h and c), TimeBiLSTM and
/// TimeEmbedding (out). float32, as in the book, unless a caller runs with
/// ``LayerBuffers/$float`` bound to `.float64`: then those buffers are float64, as
/// testdata/gen_models.py's `float64_buffers()` makes them, so that a float64 model computes in
/// float64 throughout (the tight finite-difference check of the models; not a user option).
package enum LayerBuffers {
  /// The dtype that stands for the book's `'f'` in the current task (float32 by default).
  @TaskLocal package static var float: DType = .float32
}
