import TLArray
import Testing

@testable import TLLayers

/// Bad data throws a one-line ``LayerError`` naming the layer, the array and what is wrong.
@Suite("Core layers: errors")
struct CoreLayerErrorTests {
  static let f32W = NDArray(zeros: .float32, shape: [4, 5])
  static let f32b = NDArray(zeros: .float32, shape: [5])

  /// The message `kind.infer` throws for `config` and input `x`.
  func inferError(_ type: String, _ config: LayerConfig, _ x: ArraySignature) throws -> String {
    let kind = try #require(LayerRegistry.kind(named: type))
    let error = try #require(throws: LayerError.self) { try kind.infer(config, x) }
    return error.description
  }

  @Test("a shape that does not chain names the layer and both shapes")
  func shapeMismatch() throws {
    let config = LayerConfig(name: "affine", params: ["W": Self.f32W, "b": Self.f32b])
    let message = try inferError(
      "TimeAffine", config, ArraySignature(shape: [2, 4, 3], dtype: .float32))
    #expect(
      message
        == "affine TimeAffine W of shape (4,5) does not fit x of shape (2,4,3): expects W of shape (D,M) = (3,5)")
    // A wrong rank is x's fault, whatever W is.
    #expect(
      try inferError("TimeAffine", config, ArraySignature(shape: [2, 4], dtype: .float32))
        == "affine TimeAffine expects x of shape (N,T,4), got (2,4)")
    #expect(
      try inferError("Affine", config, ArraySignature(shape: [2, 3], dtype: .float32))
        == "affine Affine W of shape (4,5) does not fit x of shape (2,3): expects W of shape (D,M) = (3,5)")
    let matMul = LayerConfig(name: "mm", params: ["W": Self.f32W])
    #expect(
      try inferError("MatMul", matMul, ArraySignature(shape: [2, 3], dtype: .float32))
        == "mm MatMul W of shape (4,5) does not fit x of shape (2,3): expects W of shape (D,H) = (3,5)")
    let bias = LayerConfig(
      name: "fc", params: ["W": Self.f32W, "b": NDArray(zeros: .float32, shape: [4])])
    #expect(
      try inferError("Affine", bias, ArraySignature(shape: [2, 4], dtype: .float32))
        == "fc Affine b of shape (4,) does not fit W of shape (4,5): expects b of shape (M,) = (5,)")
  }

  @Test("missing params, int params and float16 are rejected before computing")
  func badParams() throws {
    let x = ArraySignature(shape: [2, 3, 4], dtype: .float32)
    #expect(
      try inferError("TimeAffine", LayerConfig(name: "a", params: ["W": Self.f32W]), x)
        == "a TimeAffine missing param b")
    let intW = LayerConfig(name: "e", params: ["W": NDArray(zeros: .int64, shape: [4, 5])])
    #expect(
      try inferError("TimeEmbedding", intW, ArraySignature(shape: [2, 3], dtype: .int32))
        == "e TimeEmbedding expects W of float32 or float64, got int64")
    let halfX = ArraySignature(shape: [2, 3, 4], dtype: .float16)
    #expect(try inferError("TimeDropout", LayerConfig(name: "d"), halfX).contains("float16"))
  }

  @Test("float ids are rejected; ids out of range throw with their position; negatives wrap")
  func ids() throws {
    let config = LayerConfig(
      name: "embed", params: ["W": NDArray(zeros: .float32, shape: [10, 3])])
    #expect(
      try inferError("TimeEmbedding", config, ArraySignature(shape: [2, 4], dtype: .float32))
        == "embed TimeEmbedding expects xs of an integer dtype, got float32")
    let layer = try TimeEmbedding(W: NDArray(zeros: .float32, shape: [10, 3]), name: "embed")
    let tooBig = NDArray(shape: [2, 2], scalars: [Int64(1), 2, 3, 10])
    let error = try #require(throws: LayerError.self) { try layer.forward(tooBig) }
    #expect(
      error.description == "embed TimeEmbedding xs value 10 at (1, 1) is out of bounds for 10 rows")
    #expect(throws: LayerError.self) {
      try layer.forward(NDArray(shape: [1, 1], scalars: [Int32(-11)]))
    }
    #expect(try layer.forward(NDArray(shape: [1, 1], scalars: [Int32(-10)])).shape == [1, 1, 3])
  }

  @Test("labels outside [-1, V) and float labels are errors", arguments: [Int64(5), -2])
  func labels(_ bad: Int64) throws {
    let ts = NDArray(shape: [1, 2], scalars: [Int64(0), bad])
    let config = LayerConfig(name: "loss", inputs: ["ts": ts])
    let message = try inferError(
      "TimeSoftmaxWithLoss", config, ArraySignature(shape: [1, 2, 5], dtype: .float32))
    #expect(message == "loss TimeSoftmaxWithLoss ts value \(bad) at (0, 1) is outside [-1, 5)")
    let floats = LayerConfig(
      name: "loss", inputs: ["ts": NDArray(shape: [1, 2], scalars: [Float(0), 1])])
    #expect(
      try inferError("TimeSigmoidWithLoss", floats, ArraySignature(shape: [1, 2], dtype: .float32))
        == "loss TimeSigmoidWithLoss expects ts of an integer dtype, got float32")
    #expect(
      try inferError(
        "TimeSoftmaxWithLoss", LayerConfig(name: "loss"),
        ArraySignature(shape: [1, 2, 5], dtype: .float32))
        == "loss TimeSoftmaxWithLoss missing input ts")
  }

  @Test("a loss's dout must be a scalar; its dtype never changes dx")
  func lossDout() throws {
    let ts = NDArray(shape: [1, 2], scalars: [Int32(0), 2])
    let layer = TimeSoftmaxWithLoss(ts: ts, name: "loss")
    let xs = NDArray(shape: [1, 2, 3], scalars: [Float(1), 2, 3, 4, 5, 6])
    let loss = try layer.forward(xs)
    #expect(loss.dtype == .float64 && loss.shape == [])
    let first = try #require(try layer.backward(NDArray(scalar: 1.0)))
    #expect(first.dtype == .float32)
    #expect(throws: LayerError.self) { try layer.backward(NDArray(zeros: .float64, shape: [2])) }
    // The softmax cache became dx: a second backward is refused instead of giving a wrong dx.
    #expect(throws: LayerError.self) { try layer.backward(NDArray(scalar: 1.0)) }
    _ = try layer.forward(xs)
    #expect(try layer.backward(NDArray(scalar: 1.0)) == first)
  }

  @Test("the loss computes in its input's memory only when no one else holds it")
  func lossLeavesAHeldInputAlone() throws {
    let xs = NDArray(shape: [1, 2, 3], scalars: [Float(1), 2, 3, 4, 5, 6])
    let layer = TimeSoftmaxWithLoss(ts: NDArray(shape: [1, 2], scalars: [Int32(0), 2]), name: "loss")
    let loss = try layer.forward(xs)
    #expect(xs.scalars(as: Float.self) == [1, 2, 3, 4, 5, 6])
    var handedOver = xs.reshaped([1, 2, 3])
    handedOver.withUnsafeMutableBufferPointer(of: Float.self) { $0[0] = 1 }  // a copy of its own
    #expect(try layer.forward(consume handedOver) == loss)
  }

  @Test("dropout masks must match x, and ratio must be in [0, 1)")
  func dropoutOptions() throws {
    let x = ArraySignature(shape: [2, 3], dtype: .float32)
    let badMask = LayerConfig(name: "drop", options: ["mask": .array(NDArray(zeros: .float32, shape: [3, 2]))])
    #expect(
      try inferError("TimeDropout", badMask, x)
        == "drop TimeDropout expects mask of shape (2,3), got (3,2)")
    #expect(
      try inferError("Dropout", LayerConfig(name: "drop", options: ["ratio": .number(1)]), x)
        == "drop Dropout expects ratio in [0, 1), got 1.0")
  }
}
