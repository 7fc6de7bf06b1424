import TLArray
import TLKernels

/// Ports the book's `TimeRNN`, `TimeLSTM` and `TimeGRU` (common/time_layers.py): one cell run
/// over T steps, called once as `set_state` then `forward` then `backward`.
///
/// forward(xs (N,T,D)) → hs (N,T,H), always float32 (the book's `'f'` buffer, ``LayerBuffers``);
/// backward(dhs (N,T,H)) → dxs (N,T,D), float32. The initial state is `config.state` (`h`, and `c`
/// for LSTM), as `set_state` sets it on a stateful layer; a missing one is float32 zeros (so LSTM
/// given only h starts c at zeros). After the calls, `extraOutputs` gives the final `h` (and
/// `c`) and `dh`, the gradient of the initial h, in NumPy's computation dtype; grads
/// [dWx, dWh, db] are in their params' dtypes.
public final class TimeRecurrentLayer: Layer {
  public let name: String
  public let cell: RecurrentArchitecture
  public var typeName: String { cell.timeTypeName }
  /// The params' names: the book's Wx, Wh, b, or the framework's under a `layout`.
  public let paramNames: [String]
  /// The params as given (in the framework's layout when there is one).
  public let params: [NDArray]
  public private(set) var grads: [NDArray]
  let state: [String: NDArray]
  /// The framework layout the params come in, nil for the book's; its H.
  private let layout: (layout: RecurrentLayout, h: Int)?
  /// Wx, Wh, b as the book's cell takes them (``params`` themselves without a layout).
  private let bookParams: [NDArray]
  private var run: RecurrentRun?
  private var shapes: RecurrentShapes?
  private var finalState: [(name: String, array: NDArray)] = []
  private var dh: NDArray?

  /// Takes the params from `config.params` (`Wx`, `Wh`, `b`, or the names of the `layout`
  /// option) and the initial state from `config.state`; shapes are checked against xs in
  /// ``forward(_:)`` (and by the kind's `infer`).
  public init(_ cell: RecurrentArchitecture, config: LayerConfig) throws {
    (name, self.cell) = (config.name, cell)
    if let layout = try RecurrentLayout.chosen(config, cell) {
      let check = LayerCheck(layer: config.name, type: cell.timeTypeName)
      let (arrays, h) = try layout.check(config.params, xs: nil, gates: cell.gates, check: check)
      (paramNames, params, self.layout) = (layout.paramNames, arrays, (layout, h))
      bookParams = layout.bookParams(arrays, h: h)
    } else {
      paramNames = ["Wx", "Wh", "b"]
      params = try paramNames.map { key in
        guard let array = config.params[key] else {
          throw LayerError(layer: config.name, type: cell.timeTypeName, "needs param \(key)")
        }
        return array
      }
      (layout, bookParams) = (nil, params)
    }
    grads = params.map { NDArray(zeros: $0.dtype, shape: $0.shape) }
    state = config.state
  }

  public func forward(_ xs: NDArray) throws -> NDArray {
    if let layout {
      _ = try layout.layout.check(
        Dictionary(uniqueKeysWithValues: zip(paramNames, params)), xs: ArraySignature(xs), gates: cell.gates,
        check: LayerCheck(layer: name, type: typeName))
    }
    let shapes = try RecurrentShapes(
      layer: name, type: typeName, cell: cell,
      params: Dictionary(uniqueKeysWithValues: zip(["Wx", "Wh", "b"], bookParams)),
      xs: ArraySignature(xs), state: state.signatures)
    let run = cell.start(shapes: shapes, xs: xs, params: bookParams, state: state)
    let (hs, h, c) = run.outputs()
    (self.run, self.shapes, dh) = (run, shapes, nil)
    finalState = [("h", h)] + (c.map { [("c", $0)] } ?? [])
    return hs.astype(LayerBuffers.float)
  }

  public func backward(_ dhs: NDArray) throws -> NDArray? {
    guard let run, let shapes else {
      preconditionFailure("\(typeName) \(name): backward before forward")
    }
    let expected = [shapes.n, shapes.t, shapes.h]
    guard dhs.shape == expected, dhs.dtype.isLayerFloat else {
      throw LayerError(
        layer: name, type: typeName,
        "expects dhs of shape (N,T,H) = \(spell(expected)) and dtype float32 or float64, got \(dhs.dtype) \(spell(dhs.shape))"
      )
    }
    // A float64 dhs makes NumPy's backward float64 even after a float32 forward.
    let result = (DType.promote(dhs.dtype, run.dtype) == run.dtype ? run : run.widened()).backward(
      dhs: dhs, dcLast: nil)
    let bookGrads = zip(result.grads, bookParams).map { $0.astype($1.dtype) }
    grads = layout.map { $0.layout.frameworkGrads(bookGrads, params: params, h: $0.h) } ?? bookGrads
    dh = result.dh
    return result.dxs.astype(LayerBuffers.float)
  }

  public var extraOutputs: [(name: String, array: NDArray)] {
    finalState + (dh.map { [("dh", $0)] } ?? [])
  }
}

extension LayerKind {
  /// The kind of a ``TimeRecurrentLayer`` running `cell`: params Wx, Wh, b, or a framework's
  /// under the `layout` option where the cell has layouts (``RecurrentLayout``); the cell's
  /// states.
  static func timeRecurrent(_ cell: RecurrentArchitecture) -> LayerKind {
    let layouts = RecurrentLayout.offered(for: cell)
    var names: (@Sendable (LayerOptions) -> [String])?
    if layouts { names = { @Sendable options in RecurrentLayout.paramNames(options, cell) } }
    return LayerKind(
      typeName: cell.timeTypeName, paramNames: ["Wx", "Wh", "b"], stateNames: cell.stateNames,
      options: layouts ? [LayerOption.recurrentLayout(cell)] : [], paramNamesForOptions: names,
      infer: { config, xs in try TimeRecurrentLayer.infer(cell, config: config, xs: xs) },
      make: { config in try TimeRecurrentLayer(cell, config: config) })
  }
}

extension TimeRecurrentLayer {
  /// Checks `config`'s params (by the layout's names and shapes when it has one), state and
  /// xs (N,T,D) without running; returns hs's signature (N,T,H) float32.
  static func infer(_ cell: RecurrentArchitecture, config: LayerConfig, xs: ArraySignature) throws
    -> ArraySignature
  {
    var params = config.params
    if let layout = try RecurrentLayout.chosen(config, cell) {
      let check = LayerCheck(layer: config.name, type: cell.timeTypeName)
      let (arrays, h) = try layout.check(config.params, xs: xs, gates: cell.gates, check: check)
      params = Dictionary(uniqueKeysWithValues: zip(["Wx", "Wh", "b"], layout.bookParams(arrays, h: h)))
    }
    return try RecurrentShapes(
      layer: config.name, type: cell.timeTypeName, cell: cell, params: params, xs: xs,
      state: config.state.signatures
    ).output
  }
}
