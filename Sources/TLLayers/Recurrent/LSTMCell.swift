import TLArray
import TLKernels

/// Ports the step math of the book's `LSTM` (common/time_layers.py), gates packed [f | g | i | o].
///
/// A = x·Wx + h_prev·Wh + b (N,4H); f, i, o = σ, g = tanh of their blocks;
/// c_next = f⊙c_prev + g⊙i; h_next = o⊙tanh(c_next). The order is the book's, unlike PyTorch
/// (i,f,g,o) and Keras (i,f,c,o). The cell owns the memory c and its gradient.
struct LSTMCell<Scalar: LayerScalar>: RecurrentCell {
  typealias T = Scalar
  static var stepTypeName: String { "LSTM" }
  static var timeTypeName: String { "TimeLSTM" }
  static var gates: Int { 4 }
  static var stateNames: [String] { ["h", "c"] }

  /// The memory c, carried like h.
  let c: CarriedState<T>
  /// (N,T,H), rows in xs's order: tanh(c_next) of every step as the forward computed it, for
  /// the backward (the very bits it would recompute with the same tanh from the same c); nil
  /// in a cell widened for a float64 backward, which recomputes it in float64 as NumPy does.
  let tanhC: Buffer<T>?

  /// Below this many elements (N·H) a step's elementwise pass runs on the calling thread.
  static var parallelElements: Int { 1 << 14 }

  init(n: Int, t: Int, h: Int, state: [String: NDArray]) {
    self.init(CarriedState(n: n, t: t, h: h, initial: state["c"]), tanhC: Buffer(zeros: n * t * h))
  }

  private init(_ c: CarriedState<T>, tanhC: Buffer<T>?) {
    self.c = c
    self.tanhC = tanhC
  }

  func widened() -> LSTMCell<Double> { LSTMCell<Double>(c.converted(to: Double.self), tanhC: nil) }

  func finalStates() -> [String: Buffer<T>] { ["c": c.last.copy(count: c.n * c.h)] }
  func startBackward(_ last: [String: Buffer<T>]) { c.startGradient(last["c"]) }
  func initialStateGradients() -> [String: Buffer<T>] {
    ["c": c.gradient.copy(count: c.n * c.h)]
  }

  /// The step's rows run in chunks on the available cores when N·H reaches
  /// ``parallelElements``; each row is computed as by the serial loop (nothing is shared
  /// between rows), so the bits do not depend on the worker count.
  func forwardStep(_ tape: RecurrentTape<Self>, _ step: Int) {
    let hw = tape.recurrentProduct(step, cols: tape.gh)
    let a = tape.gates(step)
    let cIn = c.input(step)
    let cOut = c.output(step)
    let hOut = tape.hOut(step)
    let (h, b) = (tape.h, tape.b.p)
    guard let tanhC else { preconditionFailure("a widened LSTM cell runs only a backward") }
    let tanhOut = tanhC.p + step * h
    let tanhLd = tape.t * h
    Kernel.forEachRowRange(rows: tape.n, work: tape.n * h, threshold: Self.parallelElements) { rows in
      for row in rows {
        let x = a.base + row * a.ld
        let p = hw.base + row * hw.ld
        let cp = cIn.base + row * cIn.ld
        let cn = cOut.base + row * cOut.ld
        let hn = hOut.base + row * hOut.ld
        let tn = tanhOut + row * tanhLd
        // One choice of lanes for the whole row (see LSTMCellLanes).
        let inC = T.self == Float.self && LSTMCellLanes.isUsed
        // f, i, o: the sums first, then σ over f and over i | o in buffer calls (NumPy's exp loop).
        if inC {
          LSTMCellLanes.addSums(FloatLanes(x).base, FloatLanes(p).base, FloatLanes(b).base, h: h)
        } else {
          for j in 0..<h { x[j] = (x[j] + p[j]) + b[j] }
          for j in 2 * h..<4 * h { x[j] = (x[j] + p[j]) + b[j] }
        }
        Kernel.sigmoid(x, into: x, count: h)
        Kernel.sigmoid(x + 2 * h, into: x + 2 * h, count: 2 * h)
        let scalar = { (j: Int) in
          let (f, i, o) = (x[j], x[2 * h + j], x[3 * h + j])
          let g = T.tanh((x[h + j] + p[h + j]) + b[h + j])
          let c = f * cp[j] + g * i
          let tc = T.tanh(c)
          x[h + j] = g
          cn[j] = c
          tn[j] = tc
          hn[j] = o * tc
        }
        var j = 0
        if T.self == Float.self {  // eight columns at a time; the same arithmetic, lane by lane
          j =
            inC
            ? Self.cellInC(x, p, b, cp, cn, tn, hn, h: h, scalar: scalar)
            : LSTMLanes.forward(
              x: .init(x), p: .init(p), b: .init(b), cPrev: .init(cp), cNext: .init(cn),
              tanhC: .init(tn), hNext: .init(hn), h: h, scalar: scalar)
        }
        while j < h {
          scalar(j)
          j += 1
        }
      }
    }
  }

  /// ``LSTMLanes/forward(x:p:b:cPrev:cNext:tanhC:hNext:h:scalar:)`` in AVX2 lanes
  /// (``LSTMCellLanes``, only where ``LSTMCellLanes/isUsed``), the same bits: a block the lanes
  /// do not take (a NaN) goes to `scalar`. Returns the columns handled (all but the last fewer
  /// than eight).
  private static func cellInC(
    _ x: UnsafeMutablePointer<T>, _ p: UnsafePointer<T>, _ b: UnsafePointer<T>,
    _ cPrev: UnsafePointer<T>, _ cNext: UnsafeMutablePointer<T>, _ tanhC: UnsafeMutablePointer<T>,
    _ hNext: UnsafeMutablePointer<T>, h: Int, scalar: (Int) -> Void
  ) -> Int {
    var j = 0
    while j + 8 <= h {
      j = LSTMCellLanes.cell(
        x: FloatLanes(x).base, p: FloatLanes(p).base, b: FloatLanes(b).base, cPrev: FloatLanes(cPrev).base,
        cNext: FloatLanes(cNext).base, tanhC: FloatLanes(tanhC).base, hNext: FloatLanes(hNext).base, h: h,
        from: j)
      guard j + 8 <= h else { return j }
      for k in j..<j + 8 { scalar(k) }
      j += 8
    }
    return j
  }

  /// ds = dc_next + (dh_next⊙o)⊙(1 − tanh²(c_next)); dA = [df | dg | di | do]; dc_prev = ds⊙f;
  /// dh_prev = dA·Whᵀ. tanh(c_next) is the forward's (``tanhC``), or recomputed by the same
  /// tanh in a widened cell. Rows in chunks on the cores as in ``forwardStep(_:_:)``.
  func backwardStep(_ tape: RecurrentTape<Self>, _ step: Int) {
    let a = tape.gates(step)
    let cIn = c.input(step)
    let cOut = c.output(step)
    let dh = tape.dhMatrix
    let dc = c.gradientMatrix
    let h = tape.h
    let stored = tanhC.map { UnsafePointer($0.p + step * h) }
    let tanhLd = tape.t * h
    Kernel.forEachRowRange(rows: tape.n, work: tape.n * h, threshold: Self.parallelElements) { rows in
      let scratch = Buffer<T>(zeros: stored == nil ? h : 0)  // the chunk's own recomputed row
      for row in rows {
        let x = a.base + row * a.ld
        let cp = cIn.base + row * cIn.ld
        let cn = cOut.base + row * cOut.ld
        let tanhC: UnsafePointer<T>
        if let stored {
          tanhC = stored + row * tanhLd
        } else {
          Kernel.tanh(cn, into: scratch.p, count: h)
          tanhC = UnsafePointer(scratch.p)
        }
        let dn = dh.base + row * dh.ld
        let dcn = dc.base + row * dc.ld
        if T.self == Float.self, LSTMCellLanes.isUsed {
          LSTMCellLanes.cellBackward(
            x: FloatLanes(x).base, cPrev: FloatLanes(cp).base, tanhC: FloatLanes(tanhC).base,
            dh: FloatLanes(dn).base, dc: FloatLanes(dcn).base, h: h)
          continue
        }
        for j in 0..<h {
          let (f, g, i, o) = (x[j], x[h + j], x[2 * h + j], x[3 * h + j])
          let tc = tanhC[j]
          let ds = dcn[j] + (dn[j] * o) * (1 - tc * tc)
          dcn[j] = ds * f
          x[j] = (ds * cp[j]) * (f * (1 - f))
          x[h + j] = (ds * i) * (1 - g * g)
          x[2 * h + j] = (ds * g) * (i * (1 - i))
          x[3 * h + j] = (dn[j] * tc) * (o * (1 - o))
        }
      }
    }
    tape.stepProduct(
      a.readOnly, transposed: false, tape.whColumns(0, tape.gh), transposed: true, into: dh)
  }
}

/// The Float LSTM forward step's tanh part eight columns at a time (``VectorExp``), after σ of
/// f, i, o is in `x`: the scalar loop's arithmetic in the same order, lane by lane, tanh(c_next)
/// kept in `tanhC`. A block with a lane the vector tanh does not take (NaN) goes to `scalar`
/// instead. Returns the columns it handled.
enum LSTMLanes {
  typealias Lanes = SIMD8<Float>

  static func forward(
    x: FloatLanes, p: FloatLanes, b: FloatLanes, cPrev: FloatLanes, cNext: FloatLanes,
    tanhC: FloatLanes, hNext: FloatLanes, h: Int,
    scalar: (Int) -> Void
  ) -> Int {
    var j = 0
    while j + Lanes.scalarCount <= h {
      let (f, i, o) = (x.load(j), x.load(2 * h + j), x.load(3 * h + j))
      if let g = VectorExp.tanh((x.load(h + j) + p.load(h + j)) + b.load(h + j)),
        case let c = f * cPrev.load(j) + g * i,
        let tc = VectorExp.tanh(c)
      {
        x.store(g, h + j)
        cNext.store(c, j)
        tanhC.store(tc, j)
        hNext.store(o * tc, j)
      } else {
        for k in j..<j + Lanes.scalarCount { scalar(k) }
      }
      j += Lanes.scalarCount
    }
    return j
  }
}

extension RecurrentArchitecture {
  /// `LSTM`/`TimeLSTM`: gates [f | g | i | o], Wx (D,4H).
  public static let lstm = RecurrentArchitecture(LSTMCell<Float>.self)
}

extension LayerKind {
  /// `TimeLSTM`: xs (N,T,D) → hs (N,T,H) float32; params Wx (D,4H), Wh (H,4H), b (4H,); state h, c.
  static let timeLSTM = timeRecurrent(.lstm)
}
