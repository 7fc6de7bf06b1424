import TLArray
import TLKernels

/// Ports the step math of the book's `GRU` (common/time_layers.py), blocks packed [z | r | h̃].
///
/// z = σ(x·Wx_z + h_prev·Wh_z + b_z); r likewise; h̃ = tanh(x·Wx_h + (r⊙h_prev)·Wh_h + b_h);
/// h_next = (1 − z)⊙h_prev + z⊙h̃. Here z weights the new candidate and r multiplies h_prev
/// before the product, unlike PyTorch.
struct GRUCell<Scalar: LayerScalar>: RecurrentCell {
  typealias T = Scalar
  static var stepTypeName: String { "GRU" }
  static var timeTypeName: String { "TimeGRU" }
  static var gates: Int { 3 }

  /// r⊙h_prev of every step (N,T,H): the candidate's product input, needed again for dWh.
  let rh: Buffer<T>
  /// (N,H) scratch: the step's (r⊙h_prev)·Wh_h forward, dhr = dt_h·Wh_hᵀ backward.
  let candidate: Buffer<T>

  init(n: Int, t: Int, h: Int, state: [String: NDArray]) {
    self.init(rh: Buffer(zeros: n * t * h), candidate: Buffer(zeros: n * h))
  }

  private init(rh: Buffer<T>, candidate: Buffer<T>) { (self.rh, self.candidate) = (rh, candidate) }

  func widened() -> GRUCell<Double> {
    GRUCell<Double>(rh: rh.converted(to: Double.self), candidate: Buffer(zeros: candidate.count))
  }

  /// Below this many elements (N·H) a step's elementwise passes run on the calling thread
  /// (the LSTM's threshold, ``LSTMCell/parallelElements``).
  static var parallelElements: Int { 1 << 14 }

  /// Calls `body` over the step's N rows, in chunks on the available cores when N·H reaches
  /// ``parallelElements``; each row is computed as by the serial loop, so the bits do not
  /// depend on the worker count.
  private func forEachRows(_ tape: RecurrentTape<Self>, _ body: (Range<Int>) -> Void) {
    Kernel.forEachRowRange(rows: tape.n, work: tape.n * tape.h, threshold: Self.parallelElements, body)
  }

  func forwardStep(_ tape: RecurrentTape<Self>, _ step: Int) {
    let (n, h, t, b) = (tape.n, tape.h, tape.t, tape.b.p)
    let hw = tape.recurrentProduct(step, cols: 2 * h)
    let a = tape.gates(step)
    let hIn = tape.hIn(step)
    let hOut = tape.hOut(step)
    let rh = MutableMatrix(self.rh.p + step * h, rows: n, cols: h, ld: t * h)
    forEachRows(tape) { rows in
      for row in rows {
        let x = a.base + row * a.ld
        let p = hw.base + row * hw.ld
        let hp = hIn.base + row * hIn.ld
        let rhRow = rh.base + row * rh.ld
        // z | r: the sums first, then σ over both blocks in one buffer call (NumPy's exp loop).
        for j in 0..<2 * h { x[j] = (x[j] + p[j]) + b[j] }
        Kernel.sigmoid(x, into: x, count: 2 * h)
        for j in 0..<h { rhRow[j] = x[h + j] * hp[j] }
      }
    }
    let rhw = candidate.mutableMatrix(rows: n, cols: h)
    tape.stepProduct(
      rh.readOnly, transposed: false, tape.whColumns(2 * h, h), transposed: false, into: rhw,
      splitByColumns: false)
    forEachRows(tape) { rows in
      for row in rows {
        let x = a.base + row * a.ld
        let p = rhw.base + row * rhw.ld
        let hp = hIn.base + row * hIn.ld
        let hn = hOut.base + row * hOut.ld
        for j in 0..<h {
          let hHat = T.tanh((x[2 * h + j] + p[j]) + b[2 * h + j])
          x[2 * h + j] = hHat
          hn[j] = (1 - x[j]) * hp[j] + x[j] * hHat
        }
      }
    }
  }

  /// The book's three blocks: candidate, update gate, reset gate; dA = [dt_z | dt_r | dt_h].
  /// Rows in chunks on the cores as in ``forwardStep(_:_:)``.
  func backwardStep(_ tape: RecurrentTape<Self>, _ step: Int) {
    let (n, h) = (tape.n, tape.h)
    let a = tape.gates(step)
    let hIn = tape.hIn(step)
    let dh = tape.dhMatrix
    let roundProduct = tape.float32StateProduct
    forEachRows(tape) { rows in
      for row in rows {
        let x = a.base + row * a.ld
        let hp = hIn.base + row * hIn.ld
        let dn = dh.base + row * dh.ld
        for j in 0..<h {
          let (d, z, hHat) = (dn[j], x[j], x[2 * h + j])
          // Both factors are then float32 values, so rounding their exact product is NumPy's.
          let dhp = roundProduct ? T(Float(d * hp[j])) : d * hp[j]
          dn[j] = d * (1 - z)
          x[2 * h + j] = (d * z) * (1 - hHat * hHat)
          x[j] = ((d * hHat - dhp) * z) * (1 - z)
        }
      }
    }
    // dhr = dt_h·Wh_hᵀ, in the cell's scratch.
    let dhr = candidate.mutableMatrix(rows: n, cols: h)
    let dtH = Matrix(UnsafePointer(a.base + 2 * h), rows: n, cols: h, ld: a.ld)
    tape.stepProduct(
      dtH, transposed: false, tape.whColumns(2 * h, h), transposed: true, into: dhr, splitByColumns: false)
    forEachRows(tape) { rows in
      for row in rows {
        let x = a.base + row * a.ld
        let hp = hIn.base + row * hIn.ld
        let dn = dh.base + row * dh.ld
        let dr = dhr.base + row * dhr.ld
        for j in 0..<h {
          let r = x[h + j]
          dn[j] += r * dr[j]
          x[h + j] = ((dr[j] * hp[j]) * r) * (1 - r)
        }
      }
    }
    let dtZR = Matrix(UnsafePointer(a.base), rows: n, cols: 2 * h, ld: a.ld)
    tape.stepProduct(
      dtZR, transposed: false, tape.whColumns(0, 2 * h), transposed: true, into: dh, accumulate: true)
  }

  /// dWh[:, :2H] = Σ h_prevᵀ·[dt_z | dt_r]; dWh[:, 2H:] = Σ (r⊙h_prev)ᵀ·dt_h.
  func recurrentWeightGradient(_ tape: RecurrentTape<Self>, into dWh: MutableMatrix<T>) {
    let (rows, h, gh) = (tape.n * tape.t, tape.h, tape.gh)
    let dA = tape.a.p
    Kernel.gemm(
      tape.hidden.prev.matrix(rows: rows, cols: h), transposed: true,
      Matrix(UnsafePointer(dA), rows: rows, cols: 2 * h, ld: gh),
      transposed: false, into: MutableMatrix(dWh.base, rows: h, cols: 2 * h, ld: dWh.ld))
    Kernel.gemm(
      rh.matrix(rows: rows, cols: h), transposed: true,
      Matrix(UnsafePointer(dA + 2 * h), rows: rows, cols: h, ld: gh),
      transposed: false, into: MutableMatrix(dWh.base + 2 * h, rows: h, cols: h, ld: dWh.ld))
  }
}

extension RecurrentArchitecture {
  /// `GRU`/`TimeGRU`: blocks [z | r | h̃], Wx (D,3H).
  public static let gru = RecurrentArchitecture(GRUCell<Float>.self)
}

extension LayerKind {
  /// `TimeGRU`: xs (N,T,D) → hs (N,T,H) float32; params Wx (D,3H), Wh (H,3H), b (3H,); state h.
  static let timeGRU = timeRecurrent(.gru)
}
