import TLArray
import TLKernels
import TLSystem
import Testing

@testable import TLLayers

/// TimeAffine's dW left to finish beside the backward of the TimeLSTM below it
/// (``DeferredProduct``): the grads are those of the same backward computed at once, and
/// ``Layer/finishGradients()`` reports the pending work once.
@Suite(.enabled(if: Processors.available > 1, "a product is deferred only with two cores"))
struct DeferredGradientTests {
  /// float32, N=8, T=16, D=H=64 into an affine 2304 wide: xᵀ·dout is 64×2304 over K=128 rows,
  /// large enough to be deferred.
  static let (n, t, h, m) = (8, 16, 64, 2304)

  static func random(_ shape: [Int], seed: UInt64) -> NDArray {
    var state = seed
    let count = shape.reduce(1, *)
    let values = (0..<count).map { _ -> Float in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Float(Int(state >> 40) % 2001 - 1000) / 4000
    }
    return NDArray(shape: shape, scalars: values)
  }

  static func chain() throws -> (lstm: any Layer, affine: any Layer) {
    let lstm = try #require(LayerRegistry.kind(named: "TimeLSTM")).make(
      LayerConfig(
        name: "lstm",
        params: [
          "Wx": random([h, 4 * h], seed: 1), "Wh": random([h, 4 * h], seed: 2), "b": random([4 * h], seed: 3),
        ]))
    let affine = try #require(LayerRegistry.kind(named: "TimeAffine")).make(
      LayerConfig(name: "affine", params: ["W": random([h, m], seed: 4), "b": random([m], seed: 5)]))
    return (lstm, affine)
  }

  @Test func sameGradsAsAtOnce() throws {
    let xs = Self.random([Self.n, Self.t, Self.h], seed: 6)
    let dout = Self.random([Self.n, Self.t, Self.m], seed: 7)
    let (lstm, affine) = try Self.chain()
    let hs = try lstm.forward(xs)
    _ = try affine.forward(hs)
    let ((dhs, pendingReported), besides) = try DeferredProduct.withForcedUse {
      let dhs = try #require(try affine.backward(dout))
      _ = try lstm.backward(dhs)  // takes blocks of dW beside its loop
      return (dhs, affine.finishGradients())
    }
    #expect(pendingReported, "dW was not deferred")
    // The LSTM's loop took the product where it runs the panel product (float32, AVX-512F).
    #expect(besides == (PanelProduct.isAvailable ? 1 : 0), "\(besides) loops computed dW beside them")
    #expect(!affine.finishGradients(), "reported twice")

    let atOnce = Kernel.affineBackward(
      hs.reshaped([Self.n * Self.t, Self.h]), affine.params[0], affine.params[1],
      dout.reshaped([Self.n * Self.t, Self.m]))
    let dW = affine.grads[0]
    #expect(dW.dtype == .float32 && dW.shape == [Self.h, Self.m])
    let got = dW.scalars(as: Float.self), want = atOnce.dW.scalars(as: Float.self)
    let worst = zip(got, want).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .infinity
    #expect(worst <= 1e-6, "dW differs by \(worst)")
    #expect(affine.grads[1] == atOnce.db, "db")
    // dx = dout·Wᵀ is not deferred: two OpenBLAS calls, which a test running meanwhile may
    // narrow to one thread; the Haswell kernels (OPENBLAS_CORETYPE=Haswell in the environment)
    // then round the K = 2304 sums differently (1.4e-6 seen), within √K·u of float32 (u = 2⁻²⁴: 2.9e-6).
    let dx = dhs.scalars(as: Float.self), wantDx = atOnce.dx.scalars(as: Float.self)
    #expect(dhs.shape == [Self.n, Self.t, Self.h] && dhs.dtype == .float32)
    let worstDx = zip(dx, wantDx).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .infinity
    #expect(worstDx <= 1e-5, "dx differs by \(worstDx)")
  }

  @Test func readingGradsFinishesThem() throws {
    let xs = Self.random([Self.n, Self.t, Self.h], seed: 8)
    let dout = Self.random([Self.n, Self.t, Self.m], seed: 9)
    let (lstm, affine) = try Self.chain()
    _ = try affine.forward(lstm.forward(xs))
    _ = try DeferredProduct.withForcedUse { try affine.backward(dout) }
    #expect(affine.finishGradients(), "dW was not deferred")
    _ = try DeferredProduct.withForcedUse { try affine.backward(dout) }
    let first = affine.grads[0]
    #expect(!affine.finishGradients(), "grads did not finish the pending dW")
    #expect(first == affine.grads[0])
    // A second backward replaces dW after finishing the first (no block of the old one left).
    _ = try DeferredProduct.withForcedUse { try affine.backward(dout) }
    #expect(affine.grads[0] == first, "the same dout gave another dW")
  }
}
