import TLArray

/// One forward call of TimeRNN/TimeLSTM/TimeGRU in the computation type `T`, and everything its
/// backward reuses: the book's per-step sub-layers and caches, flattened into a few buffers.
///
/// Speed by construction: x·Wx for all N·T rows is one product before the loop; each step does
/// only h·Wh and one fused pass over its gate block; the backward overwrites the gates with dA
/// in place, and dWx, dWh, db and dxs are single products over all N·T rows after the loop.
/// Rows are in xs's order (n·T + t), so step t is a strided view with leading dimension T·G·H.
final class RecurrentTape<Cell: RecurrentCell, T: LayerScalar> {
  let n: Int, t: Int, d: Int, h: Int
  /// G·H: the width of a gate block row.
  let gh: Int
  let x: Buffer<T>, wx: Buffer<T>, wh: Buffer<T>, b: Buffer<T>
  /// (N,T,G·H): x·Wx, then the step's cached gate values, then dA in the backward.
  let a: Buffer<T>
  /// (N,T,H): the h each step starts from; (N,H): the final h.
  let hPrev: Buffer<T>, hLast: Buffer<T>
  /// LSTM's memory c, laid out like h; empty for RNN and GRU.
  let cPrev: Buffer<T>, cLast: Buffer<T>
  /// GRU's r⊙h_prev per step (N,T,H), needed for dWh; empty otherwise.
  let rh: Buffer<T>
  /// (N,G·H) scratch for the step's h·Wh product (and GRU's dhr).
  let g: Buffer<T>
  /// h₀·Wh in NumPy's own dtype of that product when it is narrower than `T`, else nil.
  private let initialProduct: Buffer<T>?
  /// Whether NumPy multiplies dh_next by h_prev in float32 in the only step (T = 1, float32
  /// dhs and h₀, float64 computation): GRU's dz rounds that product, so the port does too.
  private(set) var float32StateProduct = false
  private let h0IsFloat32: Bool
  /// (N,H): the running dh (dh_next on entry to a backward step, dh_prev on exit), and dc.
  let dh: Buffer<T>, dc: Buffer<T>

  /// Converts the inputs and computes x·Wx; `h0`/`c0` nil mean the book's float32 zeros.
  init(
    shapes s: RecurrentShapes, xs: NDArray, wx wxArray: NDArray, wh whArray: NDArray,
    b bArray: NDArray, h0: NDArray?, c0: NDArray?
  ) {
    precondition(s.gates == Cell.gates && s.dtype == T.dtype, "tape for \(s) built as \(Cell.self)")
    (n, t, d, h, gh) = (s.n, s.t, s.d, s.h, s.gates * s.h)
    let xs2 = xs.reshaped([n * t, d])
    // Inputs are only read: a tape of their own dtype views them in place.
    x = Buffer(viewing: xs2)
    (wx, wh, b) = (Buffer(viewing: wxArray), Buffer(viewing: whArray), Buffer(viewing: bArray))
    // NumPy multiplies x by Wx in promote(xs, Wx), which can be narrower than T. The product is
    // fresh, so in T it becomes the gate buffer itself.
    a = Buffer(viewing: Kernel.matmul(xs2, wxArray))
    hPrev = Buffer(zeros: n * t * h)
    hLast = Buffer(zeros: n * h)
    let memory = Cell.hasMemory ? n * t * h : 0
    (cPrev, cLast) = (Buffer(zeros: memory), Buffer(zeros: Cell.hasMemory ? n * h : 0))
    rh = Buffer(zeros: Cell.gates == 3 ? n * t * h : 0)
    g = Buffer(zeros: n * gh)
    (dh, dc) = (Buffer(zeros: n * h), Buffer(zeros: Cell.hasMemory ? n * h : 0))
    let h0Array = h0 ?? NDArray(zeros: .float32, shape: [n, h])
    initialProduct =
      DType.promote(h0Array.dtype, whArray.dtype) == T.dtype
      ? nil : Buffer(converting: Kernel.matmul(h0Array, whArray))
    h0IsFloat32 = h0Array.dtype == .float32
    if let h0 { copyInitial(h0, into: hPrev) }
    if let c0 { copyInitial(c0, into: cPrev) }
  }

  /// The same tape with every buffer converted to `T` (exact when widening Float to Double):
  /// how a backward whose dhs is wider than the forward's dtype continues, as NumPy promotes.
  init<U: LayerScalar>(widening other: RecurrentTape<Cell, U>) {
    (n, t, d, h, gh) = (other.n, other.t, other.d, other.h, other.gh)
    (x, wx, wh, b) = (
      other.x.converted(to: T.self), other.wx.converted(to: T.self), other.wh.converted(to: T.self),
      other.b.converted(to: T.self)
    )
    (a, hPrev, hLast) = (
      other.a.converted(to: T.self), other.hPrev.converted(to: T.self),
      other.hLast.converted(to: T.self)
    )
    (cPrev, cLast, rh) = (
      other.cPrev.converted(to: T.self), other.cLast.converted(to: T.self),
      other.rh.converted(to: T.self)
    )
    (g, dh, dc) = (
      other.g.converted(to: T.self), other.dh.converted(to: T.self), other.dc.converted(to: T.self)
    )
    initialProduct = nil  // only the forward uses it
    h0IsFloat32 = other.h0IsFloat32
  }

  /// Writes a state (N,H) into step 0's rows of an (N,T,H) buffer.
  private func copyInitial(_ state: NDArray, into buffer: Buffer<T>) {
    let converted = Buffer<T>(converting: state)
    for row in 0..<n { (buffer.p + row * t * h).update(from: converted.p + row * h, count: h) }
  }

  // MARK: Views of step `step` (N rows each)

  func gates(_ step: Int) -> MutableMatrix<T> {
    MutableMatrix(a.p + step * gh, rows: n, cols: gh, ld: t * gh)
  }
  func hIn(_ step: Int) -> Matrix<T> {
    Matrix(UnsafePointer(hPrev.p + step * h), rows: n, cols: h, ld: t * h)
  }
  func cIn(_ step: Int) -> Matrix<T> {
    Matrix(UnsafePointer(cPrev.p + step * h), rows: n, cols: h, ld: t * h)
  }
  /// Where step `step` writes its h: the next step's start, or the final h.
  func hOut(_ step: Int) -> MutableMatrix<T> { next(hPrev, hLast, step) }
  func cOut(_ step: Int) -> MutableMatrix<T> { next(cPrev, cLast, step) }
  private func next(_ all: Buffer<T>, _ last: Buffer<T>, _ step: Int) -> MutableMatrix<T> {
    step + 1 < t
      ? MutableMatrix(all.p + (step + 1) * h, rows: n, cols: h, ld: t * h)
      : MutableMatrix(last.p, rows: n, cols: h)
  }
  var dhMatrix: MutableMatrix<T> { dh.mutableMatrix(rows: n, cols: h) }
  var dcMatrix: MutableMatrix<T> { dc.mutableMatrix(rows: n, cols: h) }
  /// Columns `from..<from+cols` of Wh (H,G·H).
  func whColumns(_ from: Int, _ cols: Int) -> Matrix<T> {
    Matrix(UnsafePointer(wh.p + from), rows: h, cols: cols, ld: gh)
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

  /// Runs every step in time order.
  func forward() {
    BLASThreads.alone(when: n <= BLASThreads.smallProductRows) { narrowed in
      splitsStepProducts = narrowed
      defer { splitsStepProducts = false }
      for step in 0..<t { Cell.forwardStep(self, step) }
    }
  }

  /// Whether the time loop runs with OpenBLAS narrowed to one thread, so that a step's product
  /// is split over the cores by columns instead (``stepProduct``).
  private var splitsStepProducts = false

  /// A product inside the time loop: split by columns over the cores while OpenBLAS is held to
  /// one thread, else one BLAS call.
  func stepProduct(
    _ a: Matrix<T>, transposed ta: Bool, _ b: Matrix<T>, transposed tb: Bool, into c: MutableMatrix<T>
  ) {
    if splitsStepProducts {
      Kernel.gemmByColumns(a, transposed: ta, b, transposed: tb, into: c)
    } else {
      Kernel.gemm(a, transposed: ta, b, transposed: tb, into: c)
    }
  }

  /// hs (N,T,H) in `T`: each step's h, gathered from the shifted state buffer.
  func hs() -> Buffer<T> {
    let out = Buffer<T>(zeros: n * t * h)
    for row in 0..<n {
      let dst = out.p + row * t * h
      if t > 1 { dst.update(from: hPrev.p + row * t * h + h, count: (t - 1) * h) }
      (dst + (t - 1) * h).update(from: hLast.p + row * h, count: h)
    }
    return out
  }

  /// Runs every step in reverse time order with upstream dhs (N,T,H) and final-step dc, then
  /// the weight products over all rows. Leaves dh (and dc) holding the initial state's gradient.
  func backward(dhs: Buffer<T>, dhsIsFloat32: Bool, dcLast: Buffer<T>?) -> RecurrentGradients<T> {
    float32StateProduct = T.self == Double.self && t == 1 && dhsIsFloat32 && h0IsFloat32
    for i in 0..<dh.count { dh.p[i] = 0 }
    for i in 0..<dc.count { dc.p[i] = dcLast?.p[i] ?? 0 }
    BLASThreads.alone(when: n <= BLASThreads.smallProductRows) { narrowed in
      splitsStepProducts = narrowed
      defer { splitsStepProducts = false }
      for step in stride(from: t - 1, through: 0, by: -1) {
        for row in 0..<n {  // dh_next = dhs[:, t] + dh, as the book's time loop adds them
          let up = dhs.p + (row * t + step) * h
          let running = dh.p + row * h
          for j in 0..<h { running[j] = up[j] + running[j] }
        }
        Cell.backwardStep(self, step)
      }
    }
    let dA = a.matrix(rows: n * t, cols: gh)
    let grads = RecurrentGradients<T>(
      dxs: Buffer(zeros: n * t * d), dWx: Buffer(zeros: d * gh), dWh: Buffer(zeros: h * gh),
      db: Buffer(zeros: gh))
    Kernel.gemm(
      x.matrix(rows: n * t, cols: d), transposed: true, dA, transposed: false,
      into: grads.dWx.mutableMatrix(rows: d, cols: gh))
    Cell.recurrentWeightGradient(self, into: grads.dWh.mutableMatrix(rows: h, cols: gh))
    Kernel.sumRows(dA, into: grads.db.p)
    Kernel.gemm(
      dA, transposed: false, wx.matrix(rows: d, cols: gh), transposed: true,
      into: grads.dxs.mutableMatrix(rows: n * t, cols: d))
    return grads
  }

  /// dWh = Σ_t h_prevᵀ·dA_t as one product: what RNN and LSTM need.
  func plainRecurrentWeightGradient(into dWh: MutableMatrix<T>) {
    Kernel.gemm(
      hPrev.matrix(rows: n * t, cols: h), transposed: true, a.matrix(rows: n * t, cols: gh),
      transposed: false, into: dWh)
  }
}

/// What a recurrent backward produces, in the computation type: dxs (N,T,D) and the grads.
struct RecurrentGradients<T: LayerScalar> {
  var dxs: Buffer<T>, dWx: Buffer<T>, dWh: Buffer<T>, db: Buffer<T>
}
