import Testing

@testable import TLKernels

/// OpenBLAS runs the best kernels this CPU supports, not the SSE3 fallback it picks for a CPU
/// newer than the library, and products still compute the right numbers afterwards.
@Suite struct BLASCoreTests {
  @Test("products run on more than the fallback kernels when the CPU supports AVX2 or AVX-512")
  func leavesTheFallback() {
    let name = BLASCore.name
    if BLASCore.supported != nil, !BLASCore.forcedByUser {
      #expect(name != BLASCore.fallback)
    }
  }

  @Test("the --timings line names the kernels, and a user's choice below the CPU's level")
  func summary() {
    #expect(BLASCore.summary(chosen: "Cooperlake", forced: false, cpuLevel: 2) == "OpenBLAS kernels: Cooperlake")
    #expect(
      BLASCore.summary(chosen: "Haswell", forced: true, cpuLevel: 2)
        == "OpenBLAS kernels: Haswell, as OPENBLAS_CORETYPE chose; this CPU runs its AVX-512 kernels (SkylakeX) too")
    #expect(
      BLASCore.summary(chosen: "Prescott", forced: true, cpuLevel: 1)
        == "OpenBLAS kernels: Prescott, as OPENBLAS_CORETYPE chose; this CPU runs its AVX2 kernels (Haswell) too")
    #expect(
      BLASCore.summary(chosen: "SkylakeX", forced: true, cpuLevel: 2)
        == "OpenBLAS kernels: SkylakeX, as OPENBLAS_CORETYPE chose")
    #expect(
      BLASCore.summary(chosen: "Zen", forced: true, cpuLevel: 1) == "OpenBLAS kernels: Zen, as OPENBLAS_CORETYPE chose")
    #expect(
      BLASCore.summary(chosen: "Prescott", forced: true, cpuLevel: 0)
        == "OpenBLAS kernels: Prescott, as OPENBLAS_CORETYPE chose")
    #expect(BLASCore.summary.hasPrefix("OpenBLAS kernels: \(BLASCore.name)"))
  }

  @Test("a product after the kernel check equals the sums of its terms")
  func productAfterTheCheck() {
    _ = BLASCore.name
    let (m, k, n) = (37, 650, 129)
    let a = (0..<(m * k)).map { Float(($0 * 7919) % 101) / 64 - 0.75 }
    let b = (0..<(k * n)).map { Float(($0 * 104_729) % 103) / 64 - 0.8 }
    var c = [Float](repeating: 0, count: m * n)
    a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        c.withUnsafeMutableBufferPointer { pc in
          Kernel.gemm(
            Matrix(pa, rows: m, cols: k), transposed: false, Matrix(pb, rows: k, cols: n),
            transposed: false, into: MutableMatrix(pc, rows: m, cols: n))
        }
      }
    }
    var worst: Double = 0
    for i in 0..<m {
      for j in 0..<n {
        var sum: Double = 0
        for p in 0..<k { sum += Double(a[i * k + p]) * Double(b[p * n + j]) }
        worst = max(worst, abs(Double(c[i * n + j]) - sum) / max(1, abs(sum)))
      }
    }
    #expect(worst < 1e-5)
  }
}
