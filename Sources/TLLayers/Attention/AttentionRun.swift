import TLArray
import TLKernels

/// The book's `Attention` applied to each of T_dec decoder states against the same encoder
/// states, in the computation type `T`: what TimeAttention (and Attention, with T_dec = 1) run.
///
/// hs_enc (N,T_enc,H), hs_dec (N,T_dec,H) → out (N,T_dec,H) and the weights (N,T_dec,T_enc);
/// the backward takes dout (N,T_dec,H) and gives dhs_enc (summed over t in forward order, as the
/// book accumulates) and dhs_dec.
final class AttentionRun<T: LayerScalar> {
  let n: Int, tEnc: Int, tDec: Int, h: Int
  let enc: Buffer<T>, dec: Buffer<T>
  /// (N,T_dec,T_enc): each step's attention weights.
  let weights: Buffer<T>

  /// Runs the forward on arrays already checked to be (N,T_enc,H) and (N,T_dec,H).
  init(enc encArray: NDArray, dec decArray: NDArray) {
    (n, tEnc, tDec, h) = (
      encArray.shape[0], encArray.shape[1], decArray.shape[1], encArray.shape[2]
    )
    (enc, dec) = (Buffer(converting: encArray), Buffer(converting: decArray))
    weights = Buffer(zeros: n * tDec * tEnc)
  }

  /// A run in a wider type over the same cached values (exact when widening).
  init<U: LayerScalar>(widening other: AttentionRun<U>) {
    (n, tEnc, tDec, h) = (other.n, other.tEnc, other.tDec, other.h)
    (enc, dec, weights) = (
      other.enc.converted(to: T.self), other.dec.converted(to: T.self),
      other.weights.converted(to: T.self)
    )
  }

  /// Below this many multiply-adds (N·T_dec·T_enc·H) a pass runs on the calling thread.
  static var parallelWork: Int { 1 << 18 }

  /// out (N,T_dec,H): c = WeightSum(hs_enc, AttentionWeight(hs_enc, h_t)) for every t.
  ///
  /// The batch rows are independent: they run in chunks on the available cores
  /// (``Kernel/forEachRowRange(rows:work:threshold:_:)``), each chunk with scratch of its own,
  /// each row computed as by the serial loop, so the bits do not depend on the worker count.
  func forward() -> Buffer<T> {
    let out = Buffer<T>(zeros: n * tDec * h)
    Kernel.forEachRowRange(rows: n, work: n * tDec * tEnc * h, threshold: Self.parallelWork) { rows in
      let scratch = Buffer<T>(zeros: tEnc * h)
      for row in rows {
        let hs = UnsafePointer(enc.p + row * tEnc * h)
        for step in 0..<tDec {
          let at = row * tDec + step
          let a = weights.p + at * tEnc
          AttentionKernel.weights(hs: hs, h: dec.p + at * h, a: a, t: tEnc, hSize: h)
          AttentionKernel.weightSum(
            hs: hs, a: a, c: out.p + at * h, t: tEnc, hSize: h, scratch: scratch.p)
        }
      }
    }
    return out
  }

  /// (dhs_enc (N,T_enc,H), dhs_dec (N,T_dec,H)) for upstream dout (N,T_dec,H).
  ///
  /// Over the batch rows on the available cores as ``forward()``; a row's dhs_enc still sums
  /// its T_dec steps in forward order (nothing is summed across rows).
  func backward(_ doutArray: NDArray) -> (enc: Buffer<T>, dec: Buffer<T>) {
    let dout = Buffer<T>(converting: doutArray)
    let dEnc = Buffer<T>(zeros: n * tEnc * h)
    let dDec = Buffer<T>(zeros: n * tDec * h)
    Kernel.forEachRowRange(rows: n, work: n * tDec * tEnc * h, threshold: Self.parallelWork) { rows in
      let dhsStep = Buffer<T>(zeros: tEnc * h)
      let da = Buffer<T>(zeros: tEnc)
      let scratch = Buffer<T>(zeros: tEnc * h)
      for row in rows {
        let hs = UnsafePointer(enc.p + row * tEnc * h)
        let total = dEnc.p + row * tEnc * h
        for step in 0..<tDec {
          let at = row * tDec + step
          let a = UnsafePointer(weights.p + at * tEnc)
          AttentionKernel.weightSumBackward(
            hs: hs, a: a, dc: dout.p + at * h, dhs: dhsStep.p, da: da.p, t: tEnc, hSize: h)
          AttentionKernel.weightsBackward(
            hs: hs, h: dec.p + at * h, a: a, da: da.p, dhs: dhsStep.p, dh: dDec.p + at * h, t: tEnc,
            hSize: h, accumulate: true, scratch: scratch.p)
          for i in 0..<(tEnc * h) { total[i] += dhsStep.p[i] }
        }
      }
    }
    return (dEnc, dDec)
  }
}

/// An ``AttentionRun`` with its computation type hidden; closures made where the type is
/// concrete, so the loops they call are specialised (see ``RecurrentRun``).
struct AttentionPass {
  let dtype: DType
  private let outputsBody: () -> (out: NDArray, weights: NDArray)
  private let backwardBody: (NDArray) -> (enc: NDArray, dec: NDArray)

  init<T: LayerScalar>(_ run: AttentionRun<T>) {
    dtype = T.dtype
    outputsBody = { run.outputs() }
    backwardBody = { dout in
      // A wider dout makes NumPy's backward wider; the cached values widen exactly.
      DType.promote(dout.dtype, T.dtype) == T.dtype
        ? run.arrays(run.backward(dout))
        : { $0.arrays($0.backward(dout)) }(AttentionRun<Double>(widening: run))
    }
  }

  /// out (N,T_dec,H) and the weights (N,T_dec,T_enc), in ``dtype``; runs the forward.
  func outputs() -> (out: NDArray, weights: NDArray) { outputsBody() }

  /// dhs_enc and dhs_dec in promote(dtype, dout).
  func backward(_ dout: NDArray) -> (enc: NDArray, dec: NDArray) { backwardBody(dout) }
}

extension AttentionRun {
  fileprivate func outputs() -> (out: NDArray, weights: NDArray) {
    (forward().array([n, tDec, h]), weights.array([n, tDec, tEnc]))
  }

  fileprivate func arrays(_ gradients: (enc: Buffer<T>, dec: Buffer<T>)) -> (
    enc: NDArray, dec: NDArray
  ) {
    (gradients.enc.array([n, tEnc, h]), gradients.dec.array([n, tDec, h]))
  }
}

/// Starts an attention pass in promote(hs_enc, hs_dec), which must be float32 or float64.
func makeAttentionPass(enc: NDArray, dec: NDArray, dtype: DType) -> AttentionPass {
  dtype.byFloat(
    float: { AttentionPass(AttentionRun<Float>(enc: enc, dec: dec)) },
    double: { AttentionPass(AttentionRun<Double>(enc: enc, dec: dec)) })
}
