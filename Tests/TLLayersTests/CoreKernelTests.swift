import TLArray
import TLFormats
import TLKernels
import TLTestSupport
import Testing

@testable import TLLayers

/// The shared kernels against NumPy: sums bit for bit, the legacy RNG, products with transposes.
@Suite("Core kernels")
struct CoreKernelTests {
  static func load(_ file: String) throws -> NDArray {
    try NPY.read(path: Fixtures.path("kernel_sums/\(file).npy"))
  }

  @Test(
    "pairwiseSum equals np.sum bit for bit, in AVX2 lanes and in the generic loop",
    arguments: [5, 8, 77, 128, 129, 300, 1000, 4099])
  func pairwise(_ n: Int) throws {
    let vector = try Self.load("vector_\(n)")
    let expected = try Self.load("sum_\(n)")
    let sum = vector.withUnsafeBufferPointer(of: Float.self) { Kernel.sumAll($0) }
    #expect(sum == expected.scalars(as: Float.self)[0])
    // The generic loop too, where the AVX2 lanes (VectorSum) take the call by default.
    let viaSwift = NumPyMathPath.withSwiftPath {
      vector.withUnsafeBufferPointer(of: Float.self) { Kernel.sumAll($0) }
    }
    #expect(viaSwift == sum)
    // A sequential sum differs for long vectors, so the test can tell the two orders apart.
    if n == 4099 {
      let naive = vector.scalars(as: Float.self).reduce(0, +)
      #expect(naive != sum)
    }
  }

  @Test("sumRows equals np.sum(axis=0) bit for bit, including the pairwise single column")
  func axisZero() throws {
    for (matrix, expected) in [("matrix", "sum_axis0"), ("column", "column_sum_axis0")] {
      let m = try Self.load(matrix)
      #expect(Kernel.sumRows(m) == (try Self.load(expected)), "\(matrix)")
    }
  }

  /// A matrix wide enough for the AVX2 column blocks (two of 32 and a tail of 11), values
  /// spanning several binades so the order of the additions shows in the bits.
  static func wideMatrix(rows: Int, cols: Int) -> NDArray {
    var state: UInt64 = 42
    let values = (0..<(rows * cols)).map { _ -> Float in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return (Float(state >> 40) / Float(1 << 24) - 0.3) * Float(1 << ((state >> 20) % 12))
    }
    return NDArray(shape: [rows, cols], scalars: values)
  }

  @Test("sumRows and the bias add give the generic loops' bits in AVX2 lanes, on 1 and 3 workers")
  func wideColumnSums() {
    guard NumPyMathPath.hasAVX2FMA else { return }  // no AVX2 lanes on this CPU
    let m = Self.wideMatrix(rows: 300, cols: 75)
    let b = Self.wideMatrix(rows: 1, cols: 75).reshaped([75])
    let loop = NumPyMathPath.withSwiftPath { Kernel.sumRows(m) }
    let biasedByLoop = NumPyMathPath.withSwiftPath { Kernel.addBias(m, b) }
    // The loop is NumPy's order (the fixture test above); a pairwise order would differ here.
    let column = (0..<300).map { m.scalars(as: Float.self)[$0 * 75] }
    #expect(loop.scalars(as: Float.self)[0] == column.reduce(0, +))
    let values = m.scalars(as: Float.self)
    let bias = b.scalars(as: Float.self)
    for workers in [1, 3] {  // column and row ranges that do not start at 0
      var lanes = [Float](repeating: -1, count: 75)
      var biased = values
      Kernel.withRowWorkers(workers) {
        let chunks = [0..<20, 20..<53, 53..<75]
        for columns in chunks {
          let done = values.withUnsafeBufferPointer { src in
            lanes.withUnsafeMutableBufferPointer { dst in
              guard let base = src.baseAddress, let out = dst.baseAddress else { return false }
              VectorSum.sumRows(base, rows: 300, ld: 75, columns: columns, into: out)
              return true
            }
          }
          #expect(done)
        }
        for rows in [0..<1, 1..<150, 150..<300] {
          let done = bias.withUnsafeBufferPointer { bp in
            biased.withUnsafeMutableBufferPointer { mp in
              guard let bb = bp.baseAddress, let mb = mp.baseAddress else { return false }
              VectorSum.addRowVector(bb, to: mb, rows: rows, cols: 75, ld: 75)
              return true
            }
          }
          #expect(done)
        }
        #expect(lanes == loop.scalars(as: Float.self), "\(workers) workers")
      }
      #expect(biased == biasedByLoop.scalars(as: Float.self))
      // And through the kernels, on the split the worker count gives.
      let viaKernel = Kernel.withRowWorkers(workers) { Kernel.sumRows(m) }
      #expect(viaKernel == loop)
    }
  }

  /// Off x86-64 the test runs as before; on it, only on OpenBLAS's AVX-512 kernels.
  static var smallMatrixPathKeepsSign: Bool {
    #if arch(x86_64)
      BLASCore.usesAVX512Kernels
    #else
      true
    #endif
  }

  /// np.dot of float32 [[-1e-30]]·[[1e-30]] is −0.0 (the product underflows with its sign):
  /// a small product into fresh zeros keeps BLAS's beta = 0, whose small-matrix kernel stores
  /// it as is (adding it to +0 would give +0). That kernel is OpenBLAS 0.3.21's for its AVX-512
  /// families; its Haswell kernels (as `OPENBLAS_CORETYPE=Haswell` in the environment chooses)
  /// add to zeros and give +0, as NumPy's own OpenBLAS does then for a 3×3 product.
  @Test(
    "a small product that underflows keeps its sign, as np.dot's does",
    .enabled(if: Self.smallMatrixPathKeepsSign, "OpenBLAS runs x86-64 kernels without AVX-512"))
  func negativeZeroProduct() {
    let product = Kernel.matmul(
      NDArray(shape: [1, 1], scalars: [Float(-1e-30)]), NDArray(shape: [1, 1], scalars: [Float(1e-30)]))
    #expect(product.scalars(as: Float.self)[0].bitPattern == (-0.0 as Float).bitPattern)
  }

  @Test("LegacyRandom reproduces np.random.seed(1234); np.random.rand() draws")
  func legacyRandom() throws {
    // The mask NumPy drew with seed 1234 and ratio 0.5 for a (2,3,4) array.
    let mask = try NPY.read(path: Fixtures.path("layers/time_dropout_f32_seeded/mask.npy"))
    var random = LegacyRandom(seed: 1234)
    let kept = (0..<mask.count).map { _ in random.nextDouble() > 0.5 }
    #expect(kept == mask.scalars(as: Float.self).map { $0 != 0 })
    var first = LegacyRandom(seed: 0)
    #expect(first.nextDouble() == 0.5488135039273248)  // np.random.seed(0); np.random.rand()
  }

  @Test(
    "LegacyRandom.fillMask draws what nextDouble() draws, across the 624-word blocks",
    arguments: [0, 1, 311, 312, 313, 624, 1000, 4999])
  func fillMask(_ count: Int) {
    for skip in [0, 1, 623] {  // start mid-block, on an odd word, at a block's last word
      var perDraw = LegacyRandom(seed: 1984)
      var bulk = LegacyRandom(seed: 1984)
      for _ in 0..<skip {
        _ = perDraw.nextUInt32()
        _ = bulk.nextUInt32()
      }
      let expected = (0..<count).map { _ in perDraw.nextDouble() > 0.3 ? Float(1 / 0.7) : 0 }
      var values = [Float](repeating: -1, count: count)
      values.withUnsafeMutableBufferPointer { bulk.fillMask($0, above: 0.3, scale: Float(1 / 0.7)) }
      #expect(values == expected, "count \(count), skip \(skip)")
      #expect(bulk.nextDouble() == perDraw.nextDouble(), "the stream goes on in step")
    }
  }

  @Test(
    "matmul promotes like NumPy and honours transpose flags", arguments: [DType.float32, .float64])
  func matmul(_ dtype: DType) {
    let a = NDArray(shape: [2, 3], scalars: [1.0, 2, 3, 4, 5, 6]).astype(dtype)
    let b = NDArray(shape: [2, 3], scalars: [Float(1), 0, -1, 2, 1, 0])
    let abT = Kernel.matmul(a, b, transB: true)
    #expect(abT.dtype == DType.promote(dtype, .float32))
    #expect(abT.astype(.float64).scalars(as: Double.self) == [-2, 4, -2, 13])
    let aTb = Kernel.matmul(a, b, transA: true)
    #expect(aTb.shape == [3, 3])
    #expect(aTb.astype(.float64).scalars(as: Double.self) == [9, 4, -1, 12, 5, -2, 15, 6, -3])
    let ints = NDArray(shape: [1, 2], scalars: [Int32(1), 2])
    #expect(Kernel.matmul(ints, b).dtype == .float64)  // int32 · float32 → float64
  }

  @Test("rowIndices wraps negatives, accepts every integer width and rejects the rest")
  func rowIndices() throws {
    let ids = NDArray(shape: [2, 2], scalars: [Int8(0), -1, 3, -4])
    #expect(try Kernel.rowIndices(ids, rows: 4, layer: "e", type: "Embedding") == [0, 3, 3, 0])
    let big = NDArray(shape: [2], scalars: [UInt64(1), UInt64.max])
    #expect(throws: LayerError.self) {
      try Kernel.rowIndices(big, rows: 4, layer: "e", type: "Embedding")
    }
    let floats = NDArray(shape: [1], scalars: [Float(1)])
    #expect(throws: LayerError.self) {
      try Kernel.rowIndices(floats, rows: 4, layer: "e", type: "Embedding")
    }
  }
}
