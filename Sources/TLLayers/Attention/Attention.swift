import TLArray
import TLKernels

/// Checks the (hs, second) pair the attention building blocks take: hs (N,T,H) and an array of
/// `pattern`'s shape in the same N (and T or H), all float32/float64.
private func checkAttention(
  _ type: String, _ hs: NDArray, _ name: String, _ other: NDArray,
  _ pattern: (Int, Int, Int) -> [Dim]
) throws -> (Int, Int, Int) {
  let check = LayerCheck(layer: type, type: type)
  try check.shape("hs", hs.shape, ["N", "T", "H"])
  let (n, t, h) = (hs.shape[0], hs.shape[1], hs.shape[2])
  try check.shape(name, other.shape, pattern(n, t, h))
  try check.float("hs", hs.dtype)
  try check.float(name, other.dtype)
  return (n, t, h)
}

/// Ports the book's `WeightSum` (ch08): the context vector c[n,h] = Σ_t a[n,t]·hs[n,t,h].
///
/// forward(hs (N,T,H), a (N,T)) → c (N,H) in promote(hs, a); backward(dc (N,H)) →
/// (dhs = dc⊙a in promote(dc, a), da = Σ_h dc⊙hs in promote(dc, hs)).
public final class WeightSum {
  private var cache: (hs: NDArray, a: NDArray)?
  public init() {}

  public func forward(hs: NDArray, a: NDArray) throws -> NDArray {
    let (n, t, h) = try checkAttention("WeightSum", hs, "a", a) { n, t, _ in [.size(n), .size(t)] }
    cache = (hs, a)
    func run<T: LayerScalar>(_: T.Type) -> NDArray {
      let (hsT, aT) = (Buffer<T>(converting: hs), Buffer<T>(converting: a))
      let c = Buffer<T>(zeros: n * h)
      let scratch = Buffer<T>(zeros: t * h)
      for row in 0..<n {
        AttentionKernel.weightSum(
          hs: hsT.p + row * t * h, a: aT.p + row * t, c: c.p + row * h, t: t, hSize: h,
          scratch: scratch.p)
      }
      return c.array([n, h])
    }
    return DType.promote(hs.dtype, a.dtype).byFloat(
      float: { run(Float.self) }, double: { run(Double.self) })
  }

  public func backward(_ dc: NDArray) throws -> (dhs: NDArray, da: NDArray) {
    guard let (hs, a) = cache else { preconditionFailure("WeightSum: backward before forward") }
    let (n, t, h) = try checkAttention("WeightSum", hs, "dc", dc) { n, _, h in [.size(n), .size(h)]
    }
    func run<T: LayerScalar>(_: T.Type) -> (NDArray, NDArray) {
      let (hsT, aT, dcT) = (
        Buffer<T>(converting: hs), Buffer<T>(converting: a), Buffer<T>(converting: dc)
      )
      let dhs = Buffer<T>(zeros: n * t * h)
      let da = Buffer<T>(zeros: n * t)
      for row in 0..<n {
        AttentionKernel.weightSumBackward(
          hs: hsT.p + row * t * h, a: aT.p + row * t, dc: dcT.p + row * h, dhs: dhs.p + row * t * h,
          da: da.p + row * t, t: t, hSize: h)
      }
      return (
        dhs.cast(DType.promote(dc.dtype, a.dtype), shape: [n, t, h]),
        da.cast(DType.promote(dc.dtype, hs.dtype), shape: [n, t])
      )
    }
    return DType.promote(hs.dtype, a.dtype, dc.dtype).byFloat(
      float: { run(Float.self) }, double: { run(Double.self) })
  }
}

/// Ports the book's `AttentionWeight` (ch08): a = softmax_t(Σ_h hs[n,t,h]·h[n,h]).
///
/// forward(hs (N,T,H), h (N,H)) → a (N,T) in promote(hs, h); backward(da (N,T)) → (dhs, dh),
/// both in promote(hs, h, da).
public final class AttentionWeight {
  private var cache: (hs: NDArray, h: NDArray, a: NDArray)?
  public init() {}

  public func forward(hs: NDArray, h: NDArray) throws -> NDArray {
    let (n, t, hSize) = try checkAttention("AttentionWeight", hs, "h", h) { n, _, h in
      [.size(n), .size(h)]
    }
    func run<T: LayerScalar>(_: T.Type) -> NDArray {
      let (hsT, hT) = (Buffer<T>(converting: hs), Buffer<T>(converting: h))
      let a = Buffer<T>(zeros: n * t)
      for row in 0..<n {
        AttentionKernel.weights(
          hs: hsT.p + row * t * hSize, h: hT.p + row * hSize, a: a.p + row * t, t: t, hSize: hSize)
      }
      return a.array([n, t])
    }
    let a = DType.promote(hs.dtype, h.dtype).byFloat(
      float: { run(Float.self) }, double: { run(Double.self) })
    cache = (hs, h, a)
    return a
  }

  public func backward(_ da: NDArray) throws -> (dhs: NDArray, dh: NDArray) {
    guard let (hs, h, a) = cache else {
      preconditionFailure("AttentionWeight: backward before forward")
    }
    let (n, t, hSize) = try checkAttention("AttentionWeight", hs, "da", da) { n, t, _ in
      [.size(n), .size(t)]
    }
    func run<T: LayerScalar>(_: T.Type) -> (NDArray, NDArray) {
      let (hsT, hT, aT, ds) = (
        Buffer<T>(converting: hs), Buffer<T>(converting: h), Buffer<T>(converting: a),
        Buffer<T>(converting: da)
      )
      let dhs = Buffer<T>(zeros: n * t * hSize)
      let dh = Buffer<T>(zeros: n * hSize)
      let scratch = Buffer<T>(zeros: t * hSize)
      for row in 0..<n {
        AttentionKernel.weightsBackward(
          hs: hsT.p + row * t * hSize, h: hT.p + row * hSize, a: aT.p + row * t, da: ds.p + row * t,
          dhs: dhs.p + row * t * hSize, dh: dh.p + row * hSize, t: t, hSize: hSize,
          accumulate: false, scratch: scratch.p)
      }
      return (dhs.array([n, t, hSize]), dh.array([n, hSize]))
    }
    return DType.promote(a.dtype, da.dtype).byFloat(
      float: { run(Float.self) }, double: { run(Double.self) })
  }
}

/// Ports the book's `Attention` (ch08): AttentionWeight then WeightSum over one decoder state.
///
/// forward(hs (N,T,H), h (N,H)) → c (N,H) in promote(hs, h), keeping `attentionWeight` a (N,T);
/// backward(dc (N,H)) → (dhs = dhs₀ + dhs₁, dh), in promote(hs, h, dc).
public final class Attention {
  private var pass: AttentionPass?
  private var shape: (n: Int, t: Int, h: Int) = (0, 0, 0)
  /// The weights of the last forward, (N,T).
  public private(set) var attentionWeight: NDArray?
  public init() {}

  public func forward(hs: NDArray, h: NDArray) throws -> NDArray {
    let (n, t, hSize) = try checkAttention("Attention", hs, "h", h) { n, _, h in
      [.size(n), .size(h)]
    }
    let pass = makeAttentionPass(
      enc: hs, dec: h.reshaped([n, 1, hSize]), dtype: DType.promote(hs.dtype, h.dtype))
    let (out, weights) = pass.outputs()
    (self.pass, shape, attentionWeight) = (pass, (n, t, hSize), weights.reshaped([n, t]))
    return out.reshaped([n, hSize])
  }

  public func backward(_ dc: NDArray) throws -> (dhs: NDArray, dh: NDArray) {
    guard let pass else { preconditionFailure("Attention: backward before forward") }
    let check = LayerCheck(layer: "Attention", type: "Attention")
    try check.shape("dc", dc.shape, [.size(shape.n), .size(shape.h)])
    try check.float("dc", dc.dtype)
    let (enc, dec) = pass.backward(dc.reshaped([shape.n, 1, shape.h]))
    return (enc, dec.reshaped([shape.n, shape.h]))
  }
}
