import Foundation
import TLArray

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
  }
  public let kind: Kind
  public let lr: Double, momentum: Double, decayRate: Double, beta1: Double, beta2: Double
  /// The per-param state (`v`, `h`, `m`/`v`), created at the first update with the params' count.
  private var first: [[Double]]? = nil
  private var second: [[Double]]? = nil
  private var iteration = 0

  /// The book's defaults: lr 0.01 (Adam 0.001), momentum 0.9, decay_rate 0.99, beta1 0.9, beta2 0.999.
  public init(kind: Kind, lr: Double?, momentum: Double?, decayRate: Double?, beta1: Double?, beta2: Double?) {
    self.kind = kind
    self.lr = lr ?? (kind == .adam ? 0.001 : 0.01)
    (self.momentum, self.decayRate) = (momentum ?? 0.9, decayRate ?? 0.99)
    (self.beta1, self.beta2) = (beta1 ?? 0.9, beta2 ?? 0.999)
  }

  /// `optimizer.update(params, grads)`: returns the updated params (same dtypes and shapes).
  public func update(_ params: [NDArray], _ grads: [NDArray]) -> [NDArray] {
    // The book creates its state at the first update; a list that grew since (a value-tied
    // pair no longer merged) gets zeros here, where the book's stateful optimizers would fail.
    var a = first ?? [], b = second ?? []
    for index in params.indices where index >= a.count {
      a.append([Double](repeating: 0, count: params[index].count))
      b.append([Double](repeating: 0, count: params[index].count))
    }
    (first, second) = (a, b)
    iteration += 1
    // lr_t = lr * np.sqrt(1.0 - beta2**iter) / (1.0 - beta1**iter): a float64 scalar.
    let lrT = lr * (1.0 - pow(beta2, Double(iteration))).squareRoot() / (1.0 - pow(beta1, Double(iteration)))
    return params.indices.map { i in
      params[i].dtype == .float32
        ? step(i, params[i], grads[i], Float.self, lrT: lrT) : step(i, params[i], grads[i], Double.self, lrT: lrT)
    }
  }

  private func step<T: NDElement & BinaryFloatingPoint>(
    _ i: Int, _ param: NDArray, _ grad: NDArray, _: T.Type, lrT: Double
  ) -> NDArray {
    var p = param.scalars(as: T.self)
    let g = (grad.dtype == param.dtype ? grad : grad.astype(param.dtype)).scalars(as: T.self)
    var a = (first?[i] ?? []).map { T($0) }, b = (second?[i] ?? []).map { T($0) }
    let (lr, mom, eps) = (T(self.lr), T(momentum), T(1e-7))
    for k in p.indices {
      switch kind {
      case .sgd: p[k] -= lr * g[k]
      case .momentum:
        a[k] = mom * a[k] - lr * g[k]
        p[k] += a[k]
      case .nesterov:
        a[k] *= mom
        a[k] -= lr * g[k]
        p[k] += T(momentum * momentum) * a[k]  // Python evaluates momentum * momentum first
        p[k] -= T((1 + momentum) * self.lr) * g[k]
      case .adaGrad:
        a[k] += g[k] * g[k]
        p[k] -= lr * g[k] / (a[k].squareRoot() + eps)
      case .rmsProp:
        a[k] *= T(decayRate)
        a[k] += T(1 - decayRate) * g[k] * g[k]
        p[k] -= lr * g[k] / (a[k].squareRoot() + eps)
      case .adam:
        a[k] += T(1 - beta1) * (g[k] - a[k])
        b[k] += T(1 - beta2) * (g[k] * g[k] - b[k])
        let denominator = b[k].squareRoot() + eps  // in the param's dtype
        p[k] = T(Double(p[k]) - lrT * Double(a[k]) / Double(denominator))
      }
    }
    first?[i] = a.map { Double($0) }
    second?[i] = b.map { Double($0) }
    return NDArray(shape: param.shape, scalars: p)
  }
}
