internal import CTLMath
import Synchronization

/// Which implementation runs NumPy's float32 exp and log over buffers (``NumPyExp``,
/// ``NumPyLog``): NumPy's own AVX2/FMA3 loops transcribed in C (the CTLMath module, compiled
/// for those instructions function by function, so the binary still runs on a baseline x86-64
/// CPU) where the CPU has AVX2 and FMA3, else the portable Swift emulation (fused multiply-adds
/// in double, `fmaf` at midpoints). Both give NumPy's bits; the C loops take about a tenth of
/// the instructions (docs/layers.md §10).
@usableFromInline package enum NumPyMathPath {
  /// Whether this process runs on an x86-64 CPU with AVX2 and FMA3 (`__builtin_cpu_supports`).
  package static let hasAVX2FMA: Bool = CTLMath_has_avx2_fma() != 0

  /// Whether the CPU also has AVX-512F: the exp and σ loops then take sixteen lanes at a time
  /// (the same arithmetic per lane, so the same bits; `Sources/CTLMath/numpy_exp_avx512.c`).
  package static let hasAVX512F: Bool = hasAVX2FMA && CTLMath_has_avx512f() != 0

  /// The ``withSwiftPath(_:)`` bodies running, in any thread.
  private static let swiftScopes = RunningScopes()

  /// Whether buffer calls go to the C loops now: the CPU has them and no ``withSwiftPath(_:)``
  /// body is running anywhere in the process.
  @usableFromInline package static var usesC: Bool { hasAVX2FMA && swiftScopes.none }

  /// Runs `body` with every buffer call in the process on the Swift emulation (the tests'
  /// way to check both paths against NumPy's fixtures). Process-wide, not per task: the
  /// layers' row-parallel loops run on worker threads that a task-local would not reach. Other
  /// work running meanwhile gets the same bits, only slower.
  package static func withSwiftPath<R>(_ body: () throws -> R) rethrows -> R { try swiftScopes.run(body) }
}

/// A process-wide count of the bodies running inside ``NumPyMathPath/withSwiftPath(_:)``.
private final class RunningScopes: Sendable {
  private let count = Atomic<Int>(0)

  /// Whether no body is running.
  var none: Bool { count.load(ordering: .relaxed) == 0 }

  func run<R>(_ body: () throws -> R) rethrows -> R {
    count.add(1, ordering: .relaxed)
    defer { count.subtract(1, ordering: .relaxed) }
    return try body()
  }
}
