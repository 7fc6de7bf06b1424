/// How an array's axes are drawn: which are rows, which are columns, and whether the columns
/// fall into named blocks. The caller, who knows the layer behind the array, chooses it.
public enum ArrayLayout: Sendable, Equatable {
  /// Rank 0 and 1: one row; rank 2: rows × columns; rank 3 and more: the last two axes, each
  /// cell the largest over the leading axes, and a second picture of axis 0 × axis 1.
  case plain
  /// A time layer's (N, T, H): time × feature (the largest over the batch rows), and batch
  /// row × time (the largest over the features).
  case timeSeries
  /// A recurrent param or its gradient whose last axis holds gate blocks of equal width, in
  /// the book's order: `["f", "g", "i", "o"]` for LSTM's Wx (D, 4H), Wh (H, 4H) and b (4H),
  /// `["z", "r", "h̃"]` for GRU's (D, 3H), (H, 3H) and (3H).
  case gates([String])

  /// The book's LSTM gate order (`LSTM.forward`: `f, g, i, o` slices of `A`).
  public static let lstmGates = ArrayLayout.gates(["f", "g", "i", "o"])
  /// The book's GRU gate order (`GRU.forward`: `Wxz, Wxr, Wxh` side by side).
  public static let gruGates = ArrayLayout.gates(["z", "r", "h̃"])
}
