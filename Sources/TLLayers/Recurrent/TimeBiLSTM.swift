import TLArray
import TLKernels

/// Ports the book's `TimeBiLSTM` (common/time_layers.py): a forward-direction TimeLSTM and a
/// TimeLSTM run on the time-reversed sequence.
///
/// forward(xs (N,T,D)) → (N,T,2H) float32, forward-direction features first, both aligned to the
/// original time index; backward(dhs (N,T,2H)) → dxs (N,T,D) float32, the sum of both
/// directions. params/grads [Wx1, Wh1, b1, Wx2, Wh2, b2] (forward direction first). Like the
/// book's class it has no state of its own: both LSTMs start from zeros.
public final class TimeBiLSTM: Layer {
  public let name: String
  public let typeName = "TimeBiLSTM"
  public let paramNames = ["Wx1", "Wh1", "b1", "Wx2", "Wh2", "b2"]
  private let forwardLSTM: TimeRecurrentLayer, backwardLSTM: TimeRecurrentLayer
  private let configParams: [String: NDArray]
  /// H, known after a forward.
  private var h: Int?

  public init(config: LayerConfig) throws {
    name = config.name
    configParams = config.params
    func lstm(_ suffix: String) throws -> TimeRecurrentLayer {
      let params = try ["Wx", "Wh", "b"].map { key in
        guard let array = config.params[key + suffix] else {
          throw LayerError(layer: config.name, type: "TimeBiLSTM", "needs param \(key + suffix)")
        }
        return (key, array)
      }
      return try TimeRecurrentLayer(
        .lstm,
        config: LayerConfig(name: config.name, params: Dictionary(uniqueKeysWithValues: params)))
    }
    (forwardLSTM, backwardLSTM) = (try lstm("1"), try lstm("2"))
  }

  public var params: [NDArray] { forwardLSTM.params + backwardLSTM.params }
  public var grads: [NDArray] { forwardLSTM.grads + backwardLSTM.grads }

  /// Checks both directions' params against xs; returns the output (N,T,2H) float32.
  static func infer(layer: String, params: [String: NDArray], xs: ArraySignature) throws
    -> ArraySignature
  {
    let first = try RecurrentShapes(
      layer: layer, type: "TimeBiLSTM", cell: .lstm, params: params, xs: xs, suffix: "1")
    let second = try RecurrentShapes(
      layer: layer, type: "TimeBiLSTM", cell: .lstm, params: params, xs: xs, suffix: "2")
    guard first.h == second.h else {
      throw LayerError(
        layer: layer, type: "TimeBiLSTM",
        "expects Wh2 of shape (H,4H) = \(spell([first.h, 4 * first.h])) like Wh1, got \(spell([second.h, 4 * second.h]))"
      )
    }
    return ArraySignature(shape: [first.n, first.t, 2 * first.h], dtype: LayerBuffers.float)
  }

  public func forward(_ xs: NDArray) throws -> NDArray {
    h = try Self.infer(layer: name, params: configParams, xs: ArraySignature(xs)).shape[2] / 2
    let o1 = try forwardLSTM.forward(xs)
    let o2 = try backwardLSTM.forward(xs.reversedTime()).reversedTime()
    return o1.concatenatedLastAxis(o2)
  }

  public func backward(_ dhs: NDArray) throws -> NDArray? {
    guard let h else { preconditionFailure("TimeBiLSTM \(name): backward before forward") }
    guard dhs.rank == 3, dhs.shape[2] == 2 * h else {
      throw LayerError(
        layer: name, type: typeName,
        "expects dhs of shape (N,T,2H) with 2H = \(2 * h), got \(spell(dhs.shape))")
    }
    let dxs1 = try forwardLSTM.backward(dhs.lastAxisSlice(from: 0, width: h))
    let dxs2 = try backwardLSTM.backward(dhs.lastAxisSlice(from: h, width: h).reversedTime())?
      .reversedTime()
    guard var sum = dxs1, let dxs2 else { return nil }
    sum.dtype.byFloat(
      float: { Self.add(dxs2, to: &sum, Float.self) }, double: { Self.add(dxs2, to: &sum, Double.self) })
    return sum
  }

  /// total += other, elementwise, both of dtype T.
  private static func add<T: LayerScalar>(_ other: NDArray, to total: inout NDArray, _: T.Type) {
    total.withUnsafeMutableBufferPointer(of: T.self) { sum in
      other.withUnsafeBufferPointer(of: T.self) { addend in
        for i in sum.indices { sum[i] += addend[i] }
      }
    }
  }
}

extension LayerKind {
  /// `TimeBiLSTM`: xs (N,T,D) → (N,T,2H) float32; params Wx1, Wh1, b1, Wx2, Wh2, b2.
  static let timeBiLSTM = LayerKind(
    typeName: "TimeBiLSTM", paramNames: ["Wx1", "Wh1", "b1", "Wx2", "Wh2", "b2"],
    infer: { config, xs in try TimeBiLSTM.infer(layer: config.name, params: config.params, xs: xs) },
    make: { config in try TimeBiLSTM(config: config) })
}
