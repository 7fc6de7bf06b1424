import TLArray
import TLKernels

/// Ports the book's `TimeAttention` (ch08/attention_layer.py): attention of every decoder
/// state over the encoder states. No params.
///
/// The chain value is hs_dec (N,T_dec,H); hs_enc (N,T_enc,H) comes from `config.inputs`.
/// forward → out (N,T_dec,H) in hs_dec's dtype (the book's `np.empty_like(hs_dec)`);
/// backward(dout) → dhs_dec in dout's dtype, and `extraOutputs` gives `dhs_enc` in
/// promote(hs_enc, hs_dec, dout), summed over t in forward order as the book does.
public final class TimeAttention: Layer {
  public let name: String
  public let typeName = "TimeAttention"
  public let paramNames: [String] = []
  public let params: [NDArray] = []
  public let grads: [NDArray] = []
  let hsEnc: NDArray
  private var pass: AttentionPass?
  private var decShape: [Int] = []
  private var dhsEnc: NDArray?

  public init(config: LayerConfig) throws {
    name = config.name
    guard let hsEnc = config.inputs["hs_enc"] else {
      throw LayerError(layer: name, type: typeName, "needs input hs_enc")
    }
    self.hsEnc = hsEnc
  }

  /// Checks hs_enc (N,T_enc,H) against hs_dec (N,T_dec,H) and returns out's signature.
  static func infer(layer: String, hsEnc: ArraySignature, hsDec: ArraySignature) throws
    -> ArraySignature
  {
    let check = LayerCheck(layer: layer, type: "TimeAttention")
    try check.shape("hs_enc", hsEnc.shape, ["N", "T_enc", "H"])
    try check.shape("hs_dec", hsDec.shape, [.size(hsEnc.shape[0]), "T_dec", .size(hsEnc.shape[2])])
    try check.float("hs_enc", hsEnc.dtype)
    try check.float("hs_dec", hsDec.dtype)
    guard hsEnc.shape[1] > 0 || hsDec.shape[1] == 0 else {  // softmax over no scores, even for N = 0
      throw check.error(
        "hs_enc of shape \(spell(hsEnc.shape)) has T_enc = 0 steps: the attention weights are a softmax over no scores (NumPy raises)"
      )
    }
    return hsDec
  }

  public func forward(_ hsDec: NDArray) throws -> NDArray {
    _ = try Self.infer(layer: name, hsEnc: ArraySignature(hsEnc), hsDec: ArraySignature(hsDec))
    let pass = makeAttentionPass(
      enc: hsEnc, dec: hsDec, dtype: DType.promote(hsEnc.dtype, hsDec.dtype))
    (self.pass, decShape, dhsEnc) = (pass, hsDec.shape, nil)
    return pass.outputs().out.astype(hsDec.dtype)
  }

  public func backward(_ dout: NDArray) throws -> NDArray? {
    guard let pass else { preconditionFailure("TimeAttention \(name): backward before forward") }
    let check = LayerCheck(layer: name, type: typeName)
    try check.shape("dout", dout.shape, decShape.map { .size($0) })
    try check.float("dout", dout.dtype)
    let (enc, dec) = pass.backward(dout)
    dhsEnc = enc
    return dec.astype(dout.dtype)
  }

  public var extraOutputs: [(name: String, array: NDArray)] {
    dhsEnc.map { [("dhs_enc", $0)] } ?? []
  }
}

extension LayerKind {
  /// `TimeAttention`: hs_dec (N,T_dec,H) with input hs_enc (N,T_enc,H) → (N,T_dec,H).
  static let timeAttention = LayerKind(
    typeName: "TimeAttention", inputNames: ["hs_enc"],
    infer: { config, hsDec in
      guard let hsEnc = config.inputs["hs_enc"] else {
        throw LayerError(layer: config.name, type: "TimeAttention", "needs input hs_enc")
      }
      return try TimeAttention.infer(layer: config.name, hsEnc: ArraySignature(hsEnc), hsDec: hsDec)
    },
    make: { config in try TimeAttention(config: config) })
}
