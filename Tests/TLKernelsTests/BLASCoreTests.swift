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

  static let unset = " (with OPENBLAS_CORETYPE unset, OpenBLAS picks its kernels for it)"
  static let ignored = " names none of its kernels; OpenBLAS ignored it)"

  /// (OpenBLAS's kernels, the user's OPENBLAS_CORETYPE, the CPU's vector level, the line).
  /// OpenBLAS compares names case-insensitively, and reports and ignores an empty or unknown
  /// value ("Core not found").
  static let summaries: [(String, String?, Int32, String)] = [
    ("Cooperlake", nil, 2, "OpenBLAS kernels: Cooperlake"),
    ("Haswell", "Haswell", 2, "OpenBLAS kernels: Haswell, as OPENBLAS_CORETYPE chose; this CPU has AVX-512" + unset),
    ("Haswell", "haswell", 2, "OpenBLAS kernels: Haswell, as OPENBLAS_CORETYPE chose; this CPU has AVX-512" + unset),
    (
      "Prescott", "Prescott", 1,
      "OpenBLAS kernels: Prescott, as OPENBLAS_CORETYPE chose; this CPU has AVX2 and FMA" + unset
    ),
    ("SkylakeX", "SkylakeX", 2, "OpenBLAS kernels: SkylakeX, as OPENBLAS_CORETYPE chose"),
    ("Zen", "Zen", 1, "OpenBLAS kernels: Zen, as OPENBLAS_CORETYPE chose"),
    ("Prescott", "Prescott", 0, "OpenBLAS kernels: Prescott, as OPENBLAS_CORETYPE chose"),
    ("Cooperlake", "", 2, "OpenBLAS kernels: Cooperlake (OPENBLAS_CORETYPE=" + ignored),
    ("Cooperlake", "Bogus", 2, "OpenBLAS kernels: Cooperlake (OPENBLAS_CORETYPE=Bogus" + ignored),
  ]

  @Test("the --timings line names the kernels, the user's choice, and one OpenBLAS ignored", arguments: summaries)
  func summary(chosen: String, request: String?, cpuLevel: Int32, line: String) {
    #expect(BLASCore.summary(chosen: chosen, request: request, cpuLevel: cpuLevel) == line)
  }

  @Test("this process's line names the kernels in use")
  func ownSummary() {
    #expect(BLASCore.summary.hasPrefix("OpenBLAS kernels: \(BLASCore.name)"))
  }

  @Test("only a value OpenBLAS took counts as the user's choice")
  func honoured() {
    #expect(BLASCore.honoured("Haswell", chosen: "Haswell"))
    #expect(BLASCore.honoured("HASWELL", chosen: "Haswell"))
    #expect(!BLASCore.honoured("", chosen: "Prescott"))
    #expect(!BLASCore.honoured("Bogus", chosen: "Prescott"))
    #expect(!BLASCore.honoured("Haswell", chosen: "Prescott"))
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
