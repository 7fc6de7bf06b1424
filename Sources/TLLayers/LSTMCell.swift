/// Ports the step math of the book's `LSTM` (common/time_layers.py), gates packed [f | g | i | o].
///
/// A = x·Wx + h_prev·Wh + b (N,4H); f, i, o = σ, g = tanh of their blocks;
/// c_next = f⊙c_prev + g⊙i; h_next = o⊙tanh(c_next). The order is the book's, unlike PyTorch
/// (i,f,g,o) and Keras (i,f,c,o).
enum LSTMCell: RecurrentCell {
  static let stepTypeName = "LSTM", timeTypeName = "TimeLSTM"
  static let gates = 4
  static let hasMemory = true

  static func forwardStep<T: LayerScalar>(_ tape: RecurrentTape<Self, T>, _ step: Int) {
    let hw = tape.recurrentProduct(step, cols: tape.gh)
    let a = tape.gates(step)
    let cIn = tape.cIn(step)
    let cOut = tape.cOut(step)
    let hOut = tape.hOut(step)
    let (h, b) = (tape.h, tape.b.p)
    for row in 0..<tape.n {
      let x = a.base + row * a.ld
      let p = hw.base + row * hw.ld
      let cp = cIn.base + row * cIn.ld
      let cn = cOut.base + row * cOut.ld
      let hn = hOut.base + row * hOut.ld
      for j in 0..<h {
        let f = T.sigmoid((x[j] + p[j]) + b[j])
        let g = T.tanh((x[h + j] + p[h + j]) + b[h + j])
        let i = T.sigmoid((x[2 * h + j] + p[2 * h + j]) + b[2 * h + j])
        let o = T.sigmoid((x[3 * h + j] + p[3 * h + j]) + b[3 * h + j])
        let c = f * cp[j] + g * i
        (x[j], x[h + j], x[2 * h + j], x[3 * h + j]) = (f, g, i, o)
        cn[j] = c
        hn[j] = o * T.tanh(c)
      }
    }
  }

  /// ds = dc_next + (dh_next⊙o)⊙(1 − tanh²(c_next)); dA = [df | dg | di | do]; dc_prev = ds⊙f;
  /// dh_prev = dA·Whᵀ.
  static func backwardStep<T: LayerScalar>(_ tape: RecurrentTape<Self, T>, _ step: Int) {
    let a = tape.gates(step)
    let cIn = tape.cIn(step)
    let cOut = tape.cOut(step)
    let dh = tape.dhMatrix
    let dc = tape.dcMatrix
    let h = tape.h
    for row in 0..<tape.n {
      let x = a.base + row * a.ld
      let cp = cIn.base + row * cIn.ld
      let cn = cOut.base + row * cOut.ld
      let dn = dh.base + row * dh.ld
      let dcn = dc.base + row * dc.ld
      for j in 0..<h {
        let (f, g, i, o) = (x[j], x[h + j], x[2 * h + j], x[3 * h + j])
        let tc = T.tanh(cn[j])
        let ds = dcn[j] + (dn[j] * o) * (1 - tc * tc)
        dcn[j] = ds * f
        x[j] = (ds * cp[j]) * (f * (1 - f))
        x[h + j] = (ds * i) * (1 - g * g)
        x[2 * h + j] = (ds * g) * (i * (1 - i))
        x[3 * h + j] = (dn[j] * tc) * (o * (1 - o))
      }
    }
    Kernel.gemm(
      a.readOnly, transposed: false, tape.whColumns(0, tape.gh), transposed: true, into: dh)
  }
}
