import TLArray

/// A layer of the book: `forward`, `backward`, and ordered, named params and grads.
///
/// Mirrors the book's protocol (`common/layers.py`): `params` and `grads` are lists in the same
/// order; `grads[i]` has `params[i]`'s shape and dtype and is fully overwritten by every
/// `backward`. Calling `backward` before `forward` is a programmer error and traps.
public protocol Layer: AnyObject {
  /// The book's class name, as pipeline files spell it: `TimeLSTM`.
  var typeName: String { get }
  /// The param names in the book's order: `["Wx", "Wh", "b"]`.
  var paramNames: [String] { get }
  var params: [NDArray] { get }
  /// Gradients in the order of ``params``, each in its param's dtype; valid after ``backward(_:)``.
  var grads: [NDArray] { get }

  /// Runs the layer on the chain's value (`xs`, or `hs_dec` for TimeAttention). The layer owns
  /// `x`: when the caller hands over its only reference (`forward(consume value)`), a layer
  /// may compute in x's memory instead of a copy (TimeSoftmaxWithLoss does).
  func forward(_ x: consuming NDArray) throws -> NDArray
  /// Takes the upstream gradient and returns `dx`, or nil where the input is integer ids.
  func backward(_ dout: NDArray) throws -> NDArray?
  /// Results beyond `out`, `dx` and the grads, by docs/pipeline.md §3 name, after forward/backward:
  /// `h`, `c`, `dh` (recurrent), `mask` (dropout), `dhs_enc` (TimeAttention).
  var extraOutputs: [(name: String, array: NDArray)] { get }
  /// Completes gradients the last ``backward(_:)`` left to finish later, beside the next
  /// layer's backward (TimeAffine's dW); true when there were any. Reading ``grads`` completes
  /// them too: this only lets a caller time that work apart.
  func finishGradients() -> Bool
}

extension Layer {
  public var extraOutputs: [(name: String, array: NDArray)] { [] }
  public func finishGradients() -> Bool { false }
}

/// What the pipeline hands a layer when it builds it.
public struct LayerConfig: Sendable {
  /// The layer's name in the pipeline (`embed`), used in error messages.
  public var name: String
  /// Param name → array, with the book's names (`W`, `b`, `Wx`, `Wh`).
  public var params: [String: NDArray]
  /// Extra inputs by the book's argument names: `ts`, `hs_enc`.
  public var inputs: [String: NDArray]
  /// Initial recurrent state: `h`, and `c` for LSTM (as `set_state` sets them).
  public var state: [String: NDArray]
  /// The options given, by name (Dropout's `ratio`); the layer's kind declares them.
  public var options: LayerOptions

  public init(
    name: String, params: [String: NDArray] = [:], inputs: [String: NDArray] = [:],
    state: [String: NDArray] = [:], options: LayerOptions = [:]
  ) {
    self.name = name
    self.params = params
    self.inputs = inputs
    self.state = state
    self.options = options
  }
}

/// The shape and dtype of an array, known before any computation: what shape checking passes
/// along the chain.
public struct ArraySignature: Sendable, Equatable, CustomStringConvertible {
  public var shape: [Int]
  public var dtype: DType
  public init(shape: [Int], dtype: DType) {
    self.shape = shape
    self.dtype = dtype
  }
  public init(_ array: NDArray) { self.init(shape: array.shape, dtype: array.dtype) }
  public var description: String { "\(dtype) \(Shape.describe(shape))" }
}

/// Everything the pipeline needs to know about one layer type, before and after loading arrays.
public struct LayerKind: Sendable {
  /// The book's class name.
  public var typeName: String
  /// Required params, in the book's order (the names without options).
  public var paramNames: [String]
  /// The params' names under the given options, where an option renames them (TimeLSTM's
  /// `layout`); nil when they are always ``paramNames``.
  public var paramNamesForOptions: (@Sendable (LayerOptions) -> [String])?
  /// Extra inputs this layer requires (`ts`) — all of them are required.
  public var inputNames: [String]
  /// State names the layer accepts (`h`, `c`); all optional.
  public var stateNames: [String]
  /// The options the layer declares for itself (Dropout's `ratio`, `mask`, `train`, `seed`).
  public var options: [LayerOption]
  /// A loss layer: its output is a 0-d loss and `dout` defaults to 1.
  public var isLoss: Bool
  /// Checks every array in `config` and the chain's input signature, without computing, and
  /// returns the output's signature. Throws ``LayerError`` naming the layer and both shapes.
  public var infer: @Sendable (LayerConfig, ArraySignature) throws -> ArraySignature
  /// Builds the layer (arrays already checked by ``infer``).
  public var make: @Sendable (LayerConfig) throws -> any Layer

  public init(
    typeName: String, paramNames: [String] = [], inputNames: [String] = [],
    stateNames: [String] = [], options: [LayerOption] = [], isLoss: Bool = false,
    paramNamesForOptions: (@Sendable (LayerOptions) -> [String])? = nil,
    infer: @escaping @Sendable (LayerConfig, ArraySignature) throws -> ArraySignature,
    make: @escaping @Sendable (LayerConfig) throws -> any Layer
  ) {
    (self.typeName, self.paramNames, self.inputNames) = (typeName, paramNames, inputNames)
    (self.stateNames, self.options, self.isLoss) = (stateNames, options, isLoss)
    (self.infer, self.make) = (infer, make)
    self.paramNamesForOptions = paramNamesForOptions
  }

  /// The required params under `options`, in the layer's order: what a pipeline's `params`
  /// must name exactly.
  public func paramNames(for options: LayerOptions) -> [String] {
    paramNamesForOptions?(options) ?? paramNames
  }
}
