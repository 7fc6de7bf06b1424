import TLArray

/// How a framework packs a TimeLSTM's or TimeGRU's params (pipeline.md §8), mapped to the
/// book's Wx (D,G·H), Wh (H,G·H), b (G·H,) with gate blocks in the book's order (LSTM
/// [f, g, i, o], GRU [z, r, h̃]); G is the number of gate blocks.
///
/// - `pytorch` (TimeLSTM): `weight_ih_l0` (4H,D), `weight_hh_l0` (4H,H), `bias_ih_l0` (4H,),
///   `bias_hh_l0` (4H,), gates [i, f, g, o]: Wx = weight_ihᵀ, Wh = weight_hhᵀ, b = bias_ih +
///   bias_hh, blocks reordered.
/// - `keras` (TimeLSTM): `kernel` (D,4H), `recurrent_kernel` (H,4H), `bias` (4H,), gates
///   [i, f, c, o], blocks reordered.
/// - `keras` (TimeGRU, `reset_after=False`): `kernel` (D,3H), `recurrent_kernel` (H,3H),
///   `bias` (3H,), gates [z, r, h]. Keras keeps z·h + (1−z)·h̃ where the book keeps
///   (1−z)·h + z·h̃, so the z blocks enter negated (σ(−a) = 1 − σ(a)), and their gradients
///   come back negated.
///
/// Gradients go back the same way, in the framework's names and shapes: each bias of a pair
/// gets db.
struct RecurrentLayout: Sendable {
  /// The option's value: `pytorch`, `keras`.
  let name: String
  /// The framework's param names, in its order: input weight, recurrent weight, biases.
  let paramNames: [String]
  /// For each of the book's gate blocks, the framework's block that holds it.
  let order: [Int]
  /// 1 or −1 for each of the book's blocks (Keras GRU's z enters negated).
  let signs: [Double]
  /// Weights kept (G·H,D) and (G·H,H), as PyTorch keeps them, rather than (D,G·H) and (H,G·H).
  let transposed: Bool

  /// Every layout name a recurrent layer's `layout` option accepts.
  static let names = ["pytorch", "keras"]

  /// The layout `name` for `cell`, or the message that refuses it.
  static func lookup(_ name: String, for cell: RecurrentArchitecture) -> Result<RecurrentLayout, LayoutRefusal> {
    switch (cell.timeTypeName, name) {
    case ("TimeLSTM", "pytorch"):
      return .success(
        RecurrentLayout(
          name: name, paramNames: ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"],
          order: [1, 2, 0, 3], signs: [1, 1, 1, 1], transposed: true))
    case ("TimeLSTM", "keras"):
      return .success(
        RecurrentLayout(
          name: name, paramNames: ["kernel", "recurrent_kernel", "bias"], order: [1, 2, 0, 3],
          signs: [1, 1, 1, 1], transposed: false))
    case ("TimeGRU", "keras"):
      return .success(
        RecurrentLayout(
          name: name, paramNames: ["kernel", "recurrent_kernel", "bias"], order: [0, 1, 2],
          signs: [-1, 1, 1], transposed: false))
    case ("TimeGRU", "pytorch"):
      return .failure(
        LayoutRefusal(
          "refuses \"layout\": \"pytorch\": PyTorch's GRU applies the reset gate after the recurrent product (r ⊙ (h·W_hnᵀ + b_hn)), a different function from the book's GRU (r ⊙ h before the product); \"keras\" (reset_after=False) is the book's GRU"
        ))
    default:
      return .failure(
        LayoutRefusal(
          "has no \"layout\": \"\(name)\" (expected one of: \(names.joined(separator: ", ")))"))
    }
  }

  /// Whether `cell`'s time layer takes a `layout` option at all.
  static func offered(for cell: RecurrentArchitecture) -> Bool {
    names.contains { if case .success = lookup($0, for: cell) { true } else { false } }
  }

  /// The layout `config`'s options choose for `cell`: nil for the book's own, a ``LayerError``
  /// naming the layer for one it refuses.
  static func chosen(_ config: LayerConfig, _ cell: RecurrentArchitecture) throws -> RecurrentLayout? {
    guard offered(for: cell), let name = config.options.string(.recurrentLayout(cell)) else { return nil }
    switch lookup(name, for: cell) {
    case .success(let layout): return layout
    case .failure(let refusal): throw LayerError(layer: config.name, type: cell.timeTypeName, refusal.message)
    }
  }

  /// The param names under `options`: the layout's, or the book's Wx, Wh, b.
  static func paramNames(_ options: LayerOptions, _ cell: RecurrentArchitecture) -> [String] {
    guard offered(for: cell), let name = options.string(.recurrentLayout(cell)),
      case .success(let layout) = lookup(name, for: cell)
    else { return ["Wx", "Wh", "b"] }
    return layout.paramNames
  }
}

/// Why a recurrent layer refuses a layout: the end of a message naming the layer.
struct LayoutRefusal: Error {
  let message: String
  init(_ message: String) { self.message = message }
}

extension LayerOption {
  /// `layout`: the framework whose param names, shapes and gate order the params come in
  /// (pipeline.md §8); absent, the book's Wx, Wh, b.
  static func recurrentLayout(_ cell: RecurrentArchitecture) -> LayerOption {
    LayerOption(
      "layout", .choice(RecurrentLayout.names),
      doc: "the framework whose names, shapes and gate order the params and grads take (pytorch, keras)",
      validate: { value in
        guard case .string(let name) = value, case .failure(let refusal) = RecurrentLayout.lookup(name, for: cell)
        else { return nil }
        return "\(cell.timeTypeName) \(refusal.message)"
      })
  }
}
