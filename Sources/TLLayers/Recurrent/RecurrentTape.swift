import TLArray
import TLKernels

/// One forward call of TimeRNN/TimeLSTM/TimeGRU in the computation type `Cell.Scalar`, and
/// everything its backward reuses: the book's per-step sub-layers and caches, flattened into a
/// few buffers. What a cell needs beyond these, the cell owns.
///
/// Speed by construction: x·Wx for all N·T rows is one product before the loop; each step does
/// only h·Wh and one fused pass over its gate block; the backward overwrites the gates with dA
/// in place, and dWx, dWh, db and dxs are single products over all N·T rows after the loop.
/// Rows are in xs's order (n·T + t), so step t is a strided view with leading dimension T·G·H.
final class RecurrentTape<Cell: RecurrentCell> {
  typealias T = Cell.Scalar
  let n: Int, t: Int, d: Int, h: Int
  /// G·H: the width of a gate block row.
  let gh: Int
  /// The inputs, read in place when they already hold `T` (they may be shared weights).
  let x: ReadOnlyBuffer<T>, wx: ReadOnlyBuffer<T>, wh: ReadOnlyBuffer<T>, b: ReadOnlyBuffer<T>
  /// (N,T,G·H): x·Wx, then the step's cached gate values, then dA in the backward.
  let a: Buffer<T>
  /// h: what each step starts from, the final value, and dh in the backward.
  let hidden: CarriedState<T>
  /// The cell's own buffers (LSTM's c, GRU's r⊙h_prev).
  let cell: Cell
  /// (N,G·H) scratch for the step's h·Wh product.
  let g: Buffer<T>
  /// Whether x·Wx is left to the forward, which computes it beside its time loop
  /// (``overlaps(shapes:xs:wx:)``).
  let overlapsInput: Bool
  /// Time steps per chunk of that x·Wx (``stepsPerChunk(n:)``).
  let stepsPerChunk: Int
  /// h₀·Wh in NumPy's own dtype of that product when it is narrower than `T`, else nil.
  private let initialProduct: Buffer<T>?
  /// Whether NumPy multiplies dh_next by h_prev in float32 in the only step (T = 1, float32
  /// dhs and h₀, float64 computation): a cell that rounds that product (GRU's dz) reads this.
  private(set) var float32StateProduct = false
  private let h0IsFloat32: Bool

  /// Converts the inputs and computes x·Wx; a missing state is the book's float32 zeros.
  init(
    shapes s: RecurrentShapes, xs: NDArray, wx wxArray: NDArray, wh whArray: NDArray, b bArray: NDArray,
    state: [String: NDArray]
  ) {
    precondition(s.gates == Cell.gates && s.dtype == T.dtype, "tape for \(s) built as \(Cell.self)")
    (n, t, d, h, gh) = (s.n, s.t, s.d, s.h, s.gates * s.h)
    let xs2 = xs.reshaped([n * t, d])
    x = ReadOnlyBuffer(viewing: xs2)
    wx = ReadOnlyBuffer(viewing: wxArray)
    wh = ReadOnlyBuffer(viewing: whArray)
    b = ReadOnlyBuffer(viewing: bArray)
    // NumPy multiplies x by Wx in promote(xs, Wx), which can be narrower than T. The product is
    // fresh, so in T it becomes the gate buffer itself. Where the forward computes it beside
    // its time loop (RecurrentTape+Overlap), the buffer waits for it.
    overlapsInput = Self.overlaps(shapes: s, xs: xs, wx: wxArray)
    stepsPerChunk = Self.stepsPerChunk(n: n)
    // The helper's first chunk scatters rows over all of it, and the loop waits for that
    // chunk: its pages are cleared here on both cores instead (any recurrent cell).
    a = overlapsInput ? Kernel.zerosFaultedIn(n * t * gh) : Buffer(adopting: Kernel.matmul(xs2, wxArray))
    hidden = CarriedState(n: n, t: t, h: h, initial: state["h"])
    cell = Cell(n: n, t: t, h: h, state: state)
    g = Buffer(zeros: n * gh)
    let h0Array = state["h"] ?? NDArray(zeros: LayerBuffers.float, shape: [n, h])
    initialProduct =
      DType.promote(h0Array.dtype, whArray.dtype) == T.dtype
      ? nil : Buffer(converting: Kernel.matmul(h0Array, whArray))
    h0IsFloat32 = h0Array.dtype == .float32
  }

  /// The same tape with every buffer converted to float64 (exact when widening Float): how a
  /// backward whose dhs is wider than the forward's dtype continues, as NumPy promotes.
  init<Narrow: RecurrentCell>(widening other: RecurrentTape<Narrow>) where Narrow.Wide == Cell {
    (n, t, d, h, gh) = (other.n, other.t, other.d, other.h, other.gh)
    (x, wx, wh, b) = (
      other.x.converted(to: T.self), other.wx.converted(to: T.self), other.wh.converted(to: T.self),
      other.b.converted(to: T.self)
    )
    (a, hidden, cell) = (other.a.converted(to: T.self), other.hidden.converted(to: T.self), other.cell.widened())
    overlapsInput = false  // a float64 tape runs on BLAS
    stepsPerChunk = 1
    g = Buffer(zeros: n * gh)
    initialProduct = nil  // only the forward uses it
    h0IsFloat32 = other.h0IsFloat32
  }

  // MARK: Views of step `step` (N rows each)

  /// Step `step`'s gate rows; in a forward that computes x·Wx beside its loop, once they hold it.
  func gates(_ step: Int) -> MutableMatrix<T> {
    inputChunks?.waitFor(step / stepsPerChunk)
    return MutableMatrix(a.p + step * gh, rows: n, cols: gh, ld: t * gh)
  }
  func hIn(_ step: Int) -> Matrix<T> { hidden.input(step) }
  /// Where step `step` writes its h: the next step's start, or the final h.
  func hOut(_ step: Int) -> MutableMatrix<T> { hidden.output(step) }
  var dhMatrix: MutableMatrix<T> { hidden.gradientMatrix }
  /// Columns `from..<from+cols` of Wh (H,G·H).
  func whColumns(_ from: Int, _ cols: Int) -> Matrix<T> {
    Matrix(wh.p + from, rows: h, cols: cols, ld: gh)
  }

  /// g[:, :cols] ← h_prev·Wh[:, :cols] for step `step` (the product NumPy computes first).
  func recurrentProduct(_ step: Int, cols: Int) -> Matrix<T> {
    let out = MutableMatrix(g.p, rows: n, cols: cols, ld: gh)
    if step == 0, let initialProduct {
      for row in 0..<n { (g.p + row * gh).update(from: initialProduct.p + row * gh, count: cols) }
    } else {
      stepProduct(hIn(step), transposed: false, whColumns(0, cols), transposed: false, into: out)
    }
    return out.readOnly
  }

  // MARK: The two passes

  /// Runs every step in time order; first computes x·Wx where the tape left it
  /// (``overlapsInput``): beside the loop, chunk by chunk ahead of the steps, when OpenBLAS is
  /// narrowed to one thread for it, else as one product.
  func forward() {
    BLASThreads.alone(when: n <= BLASThreads.smallProductRows) { narrowed in
      packsWeights = Self.packs(n: n, t: t)
      defer { (splitsStepProducts, splitsPanels, packsWeights, packed) = (false, false, false, []) }
      (splitsStepProducts, splitsPanels) = (narrowed, narrowed)
      guard overlapsInput else {
        for step in 0..<t { cell.forwardStep(self, step) }
        return
      }
      guard narrowed || OverlappedChunks.isForced else {
        Kernel.gemm(
          x.matrix(rows: n * t, cols: d), transposed: false, wx.matrix(rows: d, cols: gh), transposed: false,
          into: a.mutableMatrix(rows: n * t, cols: gh))
        for step in 0..<t { cell.forwardStep(self, step) }
        return
      }
      overlapping({ chunk, scratch in self.inputProduct(chunk: chunk, scratch: scratch) }) {
        chunks in
        inputChunks = chunks
        defer { inputChunks = nil }
        for step in 0..<t {
          // Both cores split the panels again once the helper is done (the same bits either
          // way; a BLAS fallback keeps its split, which may round differently, for the loop).
          splitsPanels = chunks.isComplete
          cell.forwardStep(self, step)
        }
      }
    }
  }

  /// The chunks of x·Wx being computed beside the forward loop (``gates(_:)`` waits for them).
  private var inputChunks: OverlappedChunks?

  /// Whether the time loop runs with OpenBLAS narrowed to one thread, so that a step's product
  /// is split over the cores by columns instead (``stepProduct``).
  private var splitsStepProducts = false
  /// Whether a panel product is split over the cores: as ``splitsStepProducts``, but off while
  /// a helper uses the other core beside the loop. The panels' bits do not depend on it.
  private var splitsPanels = false

  /// Whether the time loop multiplies by Wh packed once (``PanelProduct``) instead of BLAS.
  private var packsWeights = false
  /// The parts of Wh (or Whᵀ) packed during the current time loop.
  private var packed: [PanelProduct] = []

  /// Whether a time loop of `t` steps over `n` rows packs Wh: in float32 on a CPU with the panel
  /// product, for the few rows (N ≤ ``BLASThreads/smallProductRows``) where each BLAS call
  /// would re-pack Wh, and for more than one step (packing Wh costs about two such calls: a
  /// 6.8 MB Wh took 1.8 ms, a call 0.9 ms; the book-size loop of 35 steps gains ~0.35 ms a step).
  static func packs(n: Int, t: Int) -> Bool {
    T.self == Float.self && PanelProduct.isUsed && n <= BLASThreads.smallProductRows && t > 1
  }

  /// C ← op(A)·op(B) (+ C when `accumulate`) inside the time loop, op(B) a block of Wh or Whᵀ.
  /// In float32 with few rows: the panel product on Wh packed at its first use in this loop.
  /// Otherwise BLAS: split by columns over the cores while OpenBLAS is held to one thread
  /// (unless `splitByColumns` is false or the product accumulates), else one call.
  func stepProduct(
    _ a: Matrix<T>, transposed ta: Bool, _ b: Matrix<T>, transposed tb: Bool, into c: MutableMatrix<T>,
    accumulate: Bool = false, splitByColumns: Bool = true
  ) {
    if packsWeights, !ta, let product = panelProduct(b, transposed: tb) {
      product.multiply(
        Self.floats(a), into: Self.floats(c), accumulate: accumulate, split: splitsPanels)
    } else if splitsStepProducts && splitByColumns && !accumulate {
      Kernel.gemmByColumns(a, transposed: ta, b, transposed: tb, into: c)
    } else {
      Kernel.gemm(a, transposed: ta, b, transposed: tb, into: c, accumulate: accumulate)
    }
  }

  /// op(`b`) packed: the one packed earlier in this loop, or packed now.
  private func panelProduct(_ b: Matrix<T>, transposed: Bool) -> PanelProduct? {
    let b = Self.floats(b)
    if let found = packed.first(where: { $0.holds(b, transposed: transposed) }) { return found }
    guard let product = PanelProduct(b, transposed: transposed) else { return nil }
    packed.append(product)
    return product
  }

  /// The same view as float32 (only called when `T` is Float).
  private static func floats(_ m: Matrix<T>) -> Matrix<Float> {
    Matrix(UnsafeRawPointer(m.base).assumingMemoryBound(to: Float.self), rows: m.rows, cols: m.cols, ld: m.ld)
  }
  private static func floats(_ m: MutableMatrix<T>) -> MutableMatrix<Float> {
    MutableMatrix(
      UnsafeMutableRawPointer(m.base).assumingMemoryBound(to: Float.self), rows: m.rows, cols: m.cols, ld: m.ld)
  }

  /// hs (N,T,H) in `T`: each step's h, gathered from the shifted state buffer.
  func hs() -> Buffer<T> {
    let out = Buffer<T>(zeros: n * t * h)
    for row in 0..<n {
      let dst = out.p + row * t * h
      if t > 1 { dst.update(from: hidden.prev.p + row * t * h + h, count: (t - 1) * h) }
      (dst + (t - 1) * h).update(from: hidden.last.p + row * h, count: h)
    }
    return out
  }

  /// Runs every step in reverse time order with upstream dhs (N,T,H) and the gradients of the
  /// cell's own final states, then the weight products over all rows. Leaves the running
  /// gradients holding those of the initial states.
  func backward(dhs: Buffer<T>, dhsIsFloat32: Bool, last: [String: Buffer<T>]) -> RecurrentGradients<T> {
    float32StateProduct = T.self == Double.self && t == 1 && dhsIsFloat32 && h0IsFloat32
    hidden.startGradient(nil)
    cell.startBackward(last)
    BLASThreads.alone(when: n <= BLASThreads.smallProductRows) { narrowed in
      packsWeights = Self.packs(n: n, t: t)
      defer { (splitsStepProducts, splitsPanels, packsWeights, packed) = (false, false, false, []) }
      (splitsStepProducts, splitsPanels) = (narrowed, narrowed)
      // A weight gradient of the layer above still to compute (TimeAffine's dW) takes the core
      // the loop, bound by reading Wh, leaves idle; the loop then keeps to its own core.
      if packsWeights && (narrowed || DeferredProduct.isForced), let beside = DeferredProduct.takeOffered() {
        splitsPanels = false
        beside.computeBeside { backwardSteps(dhs: dhs) }
      } else {
        backwardSteps(dhs: dhs)
      }
    }
    let dA = a.matrix(rows: n * t, cols: gh)
    let grads = RecurrentGradients<T>(
      dxs: Buffer(zeros: n * t * d), dWx: Buffer(zeros: d * gh), dWh: Buffer(zeros: h * gh),
      db: Buffer(zeros: gh))
    // The grads hold zeros (no zeroing pass inside BLAS: Kernel.gemm's intoZeros).
    Kernel.gemm(
      x.matrix(rows: n * t, cols: d), transposed: true, dA, transposed: false,
      into: grads.dWx.mutableMatrix(rows: d, cols: gh), intoZeros: true)
    cell.recurrentWeightGradient(self, into: grads.dWh.mutableMatrix(rows: h, cols: gh))
    Kernel.sumRows(dA, into: grads.db.p)
    Kernel.gemm(
      dA, transposed: false, wx.matrix(rows: d, cols: gh), transposed: true,
      into: grads.dxs.mutableMatrix(rows: n * t, cols: d), intoZeros: true)
    return grads
  }

  /// The backward's time loop, from the last step down: dh_next = dhs[:, t] + dh, as the book's
  /// loop adds them, then the cell's step.
  private func backwardSteps(dhs: Buffer<T>) {
    let dh = hidden.gradient.p
    for step in stride(from: t - 1, through: 0, by: -1) {
      for row in 0..<n {
        let up = dhs.p + (row * t + step) * h
        let running = dh + row * h
        for j in 0..<h { running[j] = up[j] + running[j] }
      }
      cell.backwardStep(self, step)
    }
  }

  /// dWh = Σ_t h_prevᵀ·dA_t as one product into `dWh`'s zeros: what RNN and LSTM need.
  func plainRecurrentWeightGradient(into dWh: MutableMatrix<T>) {
    Kernel.gemm(
      hidden.prev.matrix(rows: n * t, cols: h), transposed: true, a.matrix(rows: n * t, cols: gh),
      transposed: false, into: dWh, intoZeros: true)
  }
}

/// What a recurrent backward produces, in the computation type: dxs (N,T,D) and the grads.
struct RecurrentGradients<T: LayerScalar> {
  var dxs: Buffer<T>, dWx: Buffer<T>, dWh: Buffer<T>, db: Buffer<T>
}
