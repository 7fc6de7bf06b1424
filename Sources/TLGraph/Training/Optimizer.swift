import Foundation
import TLArray
import TLKernels
import TLSystem

/// The book's optimizers (common/optimizer.py) with its defaults and formulas, updating params
/// in their own dtype as NumPy 2 does: Python-float factors act in the array's dtype; Adam's
/// `lr_t` is a float64 scalar, so a float32 param's step is computed in float64 and cast back
/// (layers.md §2.7). ε = 1e-7 is outside the square root.
public final class Optimizer {
  public enum Kind: String, CaseIterable, Sendable {
    case sgd = "SGD"
    case momentum = "Momentum"
    case nesterov = "Nesterov"
    case
      adaGrad = "AdaGrad"
    case rmsProp = "RMSprop"
    case adam = "Adam"

    /// The arguments the book's class takes (common/optimizer.py), in its order.
    public var argumentNames: [String] {
      switch self {
      case .sgd, .adaGrad: return ["lr"]
      case .momentum, .nesterov: return ["lr", "momentum"]
      case .rmsProp: return ["lr", "decay_rate"]
      case .adam: return ["lr", "beta1", "beta2"]
      }
    }
  }
  public let kind: Kind
  public let lr: Double, momentum: Double, decayRate: Double, beta1: Double, beta2: Double
  /// The per-param state (`v`, `h`, `m`/`v`) in each param's dtype (the book's
  /// `np.zeros_like(param)`), created at the first update with the params' count (not at all
  /// when that update is also the last).
  private var first: [NDArray] = []
  private var second: [NDArray] = []
  private var iteration = 0
  /// Set by an update with `last: true`: the state was not kept, so no update may follow.
  private var finished = false

  /// The book's defaults: lr 0.01 (Adam 0.001), momentum 0.9, decay_rate 0.99, beta1 0.9, beta2 0.999.
  public init(kind: Kind, lr: Double?, momentum: Double?, decayRate: Double?, beta1: Double?, beta2: Double?) {
    self.kind = kind
    self.lr = lr ?? (kind == .adam ? 0.001 : 0.01)
    (self.momentum, self.decayRate) = (momentum ?? 0.9, decayRate ?? 0.99)
    (self.beta1, self.beta2) = (beta1 ?? 0.9, beta2 ?? 0.999)
  }

  /// `optimizer.update(params, grads)`: returns the updated params (same dtypes and shapes).
  /// `last`: no update follows (the state is no result of a run, pipeline.md §6.2), so Adam's
  /// float32 loop reads `m`, `v` without writing them back (the other loops update the state
  /// they have in place, in memory already there), and a param's state that this very update
  /// would create is not allocated at all: its zeros are read from no memory (Adam's float32
  /// loop) or from a small zeroed block per range of elements. The params' bits are the same
  /// either way.
  /// Precondition: no update after one with `last: true`.
  public func update(_ params: [NDArray], _ grads: [NDArray], last: Bool = false) -> [NDArray] {
    precondition(!finished, "Optimizer.update after the last update")
    finished = last
    // The book creates its state at the first update; a list that grew since (a value-tied
    // pair no longer merged) gets zeros here, where the book's stateful optimizers would fail.
    let stateful = kind != .sgd
    let created = first.count
    for index in params.indices where index >= first.count {
      let count = last ? 0 : params[index].count
      let dtype = params[index].dtype
      first.append(NDArray(zeros: dtype, shape: [stateful ? count : 0]))
      second.append(NDArray(zeros: dtype, shape: [kind == .adam ? count : 0]))
    }
    iteration += 1
    // lr_t = lr * np.sqrt(1.0 - beta2**iter) / (1.0 - beta1**iter): a float64 scalar.
    let lrT = lr * (1.0 - pow(beta2, Double(iteration))).squareRoot() / (1.0 - pow(beta1, Double(iteration)))
    let rule = Rule(
      kind: kind, lr: lr, momentum: momentum, decayRate: decayRate, beta1: beta1, beta2: beta2, lrT: lrT)
    return params.indices.map { i in
      let state: Kernel.AdamState = !stateful || last && i >= created ? .none : last ? .read : .update
      return params[i].dtype == .float32
        ? step(i, params[i], grads[i], Float.self, rule, state) : step(i, params[i], grads[i], Double.self, rule, state)
    }
  }

  private func step<T: StepScalar>(
    _ i: Int, _ param: NDArray, _ grad: NDArray, _: T.Type, _ rule: Rule, _ state: Kernel.AdamState
  ) -> NDArray {
    let g = grad.dtype == param.dtype ? grad : grad.astype(param.dtype)
    var a = first[i], b = second[i]
    // Drop the stored references so the in-place writes below do not copy the state.
    (first[i], second[i]) = (NDArray(zeros: param.dtype, shape: [0]), NDArray(zeros: param.dtype, shape: [0]))
    defer { (first[i], second[i]) = (a, b) }
    if kind == .adam, param.dtype == .float32 {
      // The same loop in C, vectorised and on every core (Kernel.adamStep): the same bits,
      // several times faster; written into a fresh array (the param is shared with the graph,
      // so in place would copy).
      var out = NDArray(dtype: .float32, shape: param.shape, storage: ArrayStorage(byteCount: param.count * 4))
      let (keep1, keep2) = (Float(1 - beta1), Float(1 - beta2))
      param.withUnsafeBufferPointer(of: Float.self) { p in
        out.withUnsafeMutableBufferPointer(of: Float.self) { out in
          g.withUnsafeBufferPointer(of: Float.self) { g in
            a.withUnsafeMutableBufferPointer(of: Float.self) { a in
              b.withUnsafeMutableBufferPointer(of: Float.self) { b in
                Kernel.adamStep(
                  p, into: out, g, m: a, v: b, oneMinusBeta1: keep1, oneMinusBeta2: keep2, lrT: rule.lrT, state: state)
              }
            }
          }
        }
      }
      return out
    }
    var p = param
    p.withUnsafeMutableBufferPointer(of: T.self) { p in
      g.withUnsafeBufferPointer(of: T.self) { g in
        a.withUnsafeMutableBufferPointer(of: T.self) { a in
          b.withUnsafeMutableBufferPointer(of: T.self) { b in
            let buffers = UncheckedSendable((p, g, a, b))
            Kernel.forEachElementRange(count: p.count) { range in
              let (p, g, a, b) = buffers.value
              rule.update(p, g, a, b, range, zeroState: state == .none)
            }
          }
        }
      }
    }
    return p
  }
}

/// The coefficients of one update and its element loop (the book's formulas), elements being
/// independent: any split of the elements among workers gives the same bits.
private struct Rule: Sendable {
  let kind: Optimizer.Kind
  let lr: Double, momentum: Double, decayRate: Double, beta1: Double, beta2: Double, lrT: Double

  /// How many elements one zeroed block of state holds (`zeroState`).
  static let block = 1024

  /// The elements `range` of one param; `a`, `b` hold the state (empty where the kind has
  /// none). `zeroState`: the state is the zeros of a first update and is not kept (`a`, `b`
  /// may be empty): each block of elements runs on a zeroed block of its own instead.
  func update<T: StepScalar>(
    _ p: UnsafeMutableBufferPointer<T>, _ g: UnsafeBufferPointer<T>, _ a: UnsafeMutableBufferPointer<T>,
    _ b: UnsafeMutableBufferPointer<T>, _ range: Range<Int>, zeroState: Bool
  ) {
    guard zeroState, kind != .sgd else {
      loop(p, g, a, b, range, offset: 0)
      return
    }
    withUnsafeTemporaryAllocation(of: T.self, capacity: 2 * Self.block) { scratch in
      let (zeroA, zeroB) = (
        UnsafeMutableBufferPointer(rebasing: scratch[..<Self.block]),
        UnsafeMutableBufferPointer(rebasing: scratch[Self.block...])
      )
      for start in stride(from: range.lowerBound, to: range.upperBound, by: Self.block) {
        scratch.initialize(repeating: 0)
        loop(p, g, zeroA, zeroB, start..<min(range.upperBound, start + Self.block), offset: start)
      }
    }
  }

  /// One pass over `range`; the state of element k is at k − `offset`.
  private func loop<T: StepScalar>(
    _ p: UnsafeMutableBufferPointer<T>, _ g: UnsafeBufferPointer<T>, _ a: UnsafeMutableBufferPointer<T>,
    _ b: UnsafeMutableBufferPointer<T>, _ range: Range<Int>, offset: Int
  ) {
    let (lr, mom, eps) = (T(self.lr), T(momentum), T(1e-7))
    switch kind {
    case .sgd:
      for k in range { p[k] -= lr * g[k] }
    case .momentum:
      for k in range {
        a[k - offset] = mom * a[k - offset] - lr * g[k]
        p[k] += a[k - offset]
      }
    case .nesterov:
      // Python evaluates momentum * momentum first.
      let (momentum2, step) = (T(momentum * momentum), T((1 + momentum) * self.lr))
      for k in range {
        a[k - offset] *= mom
        a[k - offset] -= lr * g[k]
        p[k] += momentum2 * a[k - offset]
        p[k] -= step * g[k]
      }
    case .adaGrad:
      for k in range {
        a[k - offset] += g[k] * g[k]
        p[k] -= lr * g[k] / (a[k - offset].squareRoot() + eps)
      }
    case .rmsProp:
      let (decay, keep) = (T(decayRate), T(1 - decayRate))
      for k in range {
        a[k - offset] *= decay
        a[k - offset] += keep * g[k] * g[k]
        p[k] -= lr * g[k] / (a[k - offset].squareRoot() + eps)
      }
    case .adam:
      // float32 params take Kernel.adamStep in Optimizer.step; this is the float64 loop.
      let (keep1, keep2) = (T(1 - beta1), T(1 - beta2))
      for k in range {
        let j = k - offset
        a[j] += keep1 * (g[k] - a[j])
        b[j] += keep2 * (g[k] * g[k] - b[j])
        let denominator = b[j].squareRoot() + eps  // in the param's dtype
        p[k] = T.narrowed(p[k].widened - lrT * a[j].widened / denominator.widened)
      }
    }
  }
}

/// Float and Double with their conversions to and from float64 written concretely (the generic
/// `BinaryFloatingPoint` conversion is not inlined and dominated Adam's step).
private protocol StepScalar: NDElement, BinaryFloatingPoint {
  var widened: Double { get }
  static func narrowed(_ value: Double) -> Self
}

extension Float: StepScalar {
  @inline(__always) var widened: Double { Double(self) }
  @inline(__always) static func narrowed(_ value: Double) -> Float { Float(value) }
}

extension Double: StepScalar {
  @inline(__always) var widened: Double { self }
  @inline(__always) static func narrowed(_ value: Double) -> Double { value }
}
