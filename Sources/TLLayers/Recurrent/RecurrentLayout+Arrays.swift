import TLArray

extension RecurrentLayout {
  /// Checks the framework's params by their own names and shapes, against xs (N,T,D) when
  /// given (else D is the input weight's own), and returns them in ``paramNames`` order with
  /// H. Errors name the framework param and the shape expected:
  /// `expects weight_hh_l0 of shape (4H,H), got (5,20)`.
  func check(_ params: [String: NDArray], xs: ArraySignature?, gates: Int, check: LayerCheck) throws -> (
    arrays: [NDArray], h: Int
  ) {
    let arrays = try paramNames.map { name in
      guard let array = params[name] else { throw check.error("missing param \(name)") }
      guard array.dtype.isLayerFloat else {
        throw check.error("expects \(name) of dtype float32 or float64, got \(array.dtype)")
      }
      return array
    }
    let (input, recurrent) = (arrays[0], arrays[1])
    let gh = "\(gates)H"
    // (G·H,H) as PyTorch keeps it, (H,G·H) as Keras and the book do.
    let (long, short) =
      transposed ? (recurrent.shape.first, recurrent.shape.last) : (recurrent.shape.last, recurrent.shape.first)
    guard recurrent.rank == 2, let h = short, long == gates * h else {
      throw check.error(
        "expects \(paramNames[1]) of shape \(transposed ? "(\(gh),H)" : "(H,\(gh))"), got \(spell(recurrent.shape))")
    }
    if let xs, xs.shape.count != 3 { throw check.error("expects xs of shape (N,T,D), got \(spell(xs.shape))") }
    let d = xs.map { $0.shape[2] } ?? (input.rank == 2 ? input.shape[transposed ? 1 : 0] : 0)
    let expected = transposed ? [gates * h, d] : [d, gates * h]
    if input.shape != expected {
      let fits = xs.map { "xs of shape \(spell($0.shape)) and " } ?? ""
      throw check.error(
        "\(paramNames[0]) of shape \(spell(input.shape)) does not fit \(fits)\(paramNames[1]) of shape \(spell(recurrent.shape)): expects \(paramNames[0]) of shape \(transposed ? "(\(gh),D)" : "(D,\(gh))") = \(spell(expected))"
      )
    }
    for (name, bias) in zip(paramNames.dropFirst(2), arrays.dropFirst(2)) where bias.shape != [gates * h] {
      throw check.error(
        "\(name) of shape \(spell(bias.shape)) does not fit \(paramNames[1]) of shape \(spell(recurrent.shape)): expects \(name) of shape (\(gh),) = \(spell([gates * h]))"
      )
    }
    return (arrays, h)
  }

  /// The book's [Wx (D,G·H), Wh (H,G·H), b (G·H,)] from the framework's checked arrays, in
  /// their dtypes (b in the promotion of the biases', their sum rounded once as NumPy's).
  func bookParams(_ arrays: [NDArray], h: Int) -> [NDArray] {
    let gates = order.count
    let biases = arrays.dropFirst(2).map { $0.astype(.float64).scalars(as: Double.self) }
    var b = [Double](repeating: 0, count: gates * h)
    for k in 0..<gates {
      for j in 0..<h { b[k * h + j] = signs[k] * biases.reduce(0) { $0 + $1[order[k] * h + j] } }
    }
    let bDtype = arrays.dropFirst(3).reduce(arrays[2].dtype) { DType.promote($0, $1.dtype) }
    return [
      bookWeight(arrays[0], h: h), bookWeight(arrays[1], h: h),
      NDArray(shape: [gates * h], scalars: b).astype(bDtype),
    ]
  }

  /// A weight (D or H rows in the book) with its blocks in the book's order and sign.
  private func bookWeight(_ weight: NDArray, h: Int) -> NDArray {
    let gates = order.count
    let gh = gates * h
    let rows = weight.count / gh
    let values = weight.astype(.float64).scalars(as: Double.self)
    var out = [Double](repeating: 0, count: rows * gh)
    for row in 0..<rows {
      for k in 0..<gates {
        for j in 0..<h {
          let column = order[k] * h + j
          out[row * gh + k * h + j] = signs[k] * values[transposed ? column * rows + row : row * gh + column]
        }
      }
    }
    return NDArray(shape: [rows, gh], scalars: out).astype(weight.dtype)
  }

  /// The framework's grads from the book's [dWx, dWh, db]: each in its param's name, shape
  /// and dtype (`params`, in ``paramNames`` order); every bias gets db.
  func frameworkGrads(_ book: [NDArray], params: [NDArray], h: Int) -> [NDArray] {
    let gates = order.count
    let gh = gates * h
    func back(_ grad: NDArray, like param: NDArray) -> NDArray {
      let rows = grad.count / gh
      let values = grad.astype(.float64).scalars(as: Double.self)
      var out = [Double](repeating: 0, count: rows * gh)
      for row in 0..<rows {
        for k in 0..<gates {
          for j in 0..<h {
            let column = order[k] * h + j
            out[transposed ? column * rows + row : row * gh + column] = signs[k] * values[row * gh + k * h + j]
          }
        }
      }
      return NDArray(shape: param.shape, scalars: out).astype(param.dtype)
    }
    return params.enumerated().map { index, param in back(book[min(index, 2)], like: param) }
  }
}
