internal import CBLAS

/// Which of OpenBLAS's kernel families the products run on. Debian's OpenBLAS (0.3.21) is
/// built with every x86-64 kernel family and picks one by CPU model when it loads; a CPU newer
/// than the library (an Emerald Rapids Xeon, family 6 model 207) is not recognised, and it
/// falls back to its SSE3 "Prescott" kernels: sgemm ran at 27–31 GFLOP/s on one core where the
/// "SkylakeX" kernels of the same library reach 63–149 (bench/blas_compare.py), and the book-size
/// language model took 0.84 → 0.26 s (whole process, `--timings`, same load).
///
/// So before its first product tl-run checks the choice once (the executable at its entry,
/// ``choose()``, before any thread starts; elsewhere lazily at the first product): when OpenBLAS fell back to
/// Prescott and the CPU (with the operating system) supports AVX-512 F/CD/DQ/BW/VL, it switches
/// to SkylakeX; with AVX2 and FMA only, to Haswell. A user's `OPENBLAS_CORETYPE` is left as it
/// is, and so is any other choice OpenBLAS made. Results change only by the summation order of
/// the other kernels (NumPy's own OpenBLAS runs such kernels too).
package enum BLASCore {
  /// OpenBLAS's name for the kernels in use ("SkylakeX", "Haswell", "Prescott", …), after the
  /// check.
  package static var name: String {
    _ = checked
    return String(cString: openblas_get_corename())
  }

  /// Whether the kernels in use are one of OpenBLAS's AVX-512 families (SkylakeX and
  /// Cooperlake in 0.3.21; SapphireRapids in later versions). Only these take small products
  /// through a small-matrix path that stores a product with beta = 0 as it is (−0.0 stays
  /// −0.0).
  package static var usesAVX512Kernels: Bool { level(ofFamily: name) == 2 }

  /// The vector level of OpenBLAS's kernel family `name`, on the scale of
  /// `tlblas_cpu_vector_level`: 2 for its AVX-512 families, 1 for its AVX2-and-FMA ones
  /// (Haswell, Zen), 0 for the others (Prescott, Sandybridge, … and names it does not have).
  static func level(ofFamily name: String) -> Int32 {
    switch name {
    case "SkylakeX", "Cooperlake", "SapphireRapids": 2
    case "Haswell", "Zen": 1
    default: 0
    }
  }

  /// One line for `--timings`: the kernels in use, whether the user's `OPENBLAS_CORETYPE` chose
  /// them (or named none, and OpenBLAS ignored it), and when it chose them below what the CPU
  /// supports, that it does: `OpenBLAS kernels: Haswell, as OPENBLAS_CORETYPE chose; this CPU
  /// has AVX-512 (with OPENBLAS_CORETYPE unset, OpenBLAS picks its kernels for it)`.
  package static var summary: String {
    summary(chosen: name, request: request, cpuLevel: tlblas_cpu_vector_level())
  }

  /// ``summary`` for the given state (the tests' way to reach every case).
  static func summary(chosen: String, request: String?, cpuLevel: Int32) -> String {
    guard let request else { return "OpenBLAS kernels: \(chosen)" }
    guard honoured(request, chosen: chosen) else {
      return "OpenBLAS kernels: \(chosen) (OPENBLAS_CORETYPE=\(request) names none of its kernels; OpenBLAS ignored it)"
    }
    let line = "OpenBLAS kernels: \(chosen), as OPENBLAS_CORETYPE chose"
    guard cpuLevel > level(ofFamily: chosen) else { return line }
    return line
      + "; this CPU has \(cpuLevel == 2 ? "AVX-512" : "AVX2 and FMA")"
      + " (with OPENBLAS_CORETYPE unset, OpenBLAS picks its kernels for it)"
  }

  /// Whether OpenBLAS took the user's `request` for its kernels, now `chosen`: it matches one
  /// of its families' names case-insensitively, as OpenBLAS's own comparison does.
  static func honoured(_ request: String, chosen: String) -> Bool {
    !request.isEmpty && request.lowercased() == chosen.lowercased()
  }

  /// The `OPENBLAS_CORETYPE` this process was started with, nil when unset.
  static var request: String? { tlblas_core_request().map { String(cString: $0) } }

  /// Whether the user chose the kernels by `OPENBLAS_CORETYPE` and OpenBLAS took that choice
  /// (then they are left alone); an empty or unknown value, which OpenBLAS ignores, is not one.
  package static var forcedByUser: Bool {
    request.map { honoured($0, chosen: String(cString: openblas_get_corename())) } ?? false
  }

  /// The name OpenBLAS gives its fallback kernels for a CPU it does not recognise.
  static let fallback = "Prescott"

  /// The kernel family the CPU supports beyond the fallback, nil when none or not x86-64.
  package static var supported: String? {
    switch tlblas_cpu_vector_level() {
    case 2: "SkylakeX"
    case 1: "Haswell"
    default: nil
    }
  }

  /// Makes the check now. It calls `setenv`/`unsetenv` (OpenBLAS's `gotoblas_dynamic_init`
  /// reads its choice only from `OPENBLAS_CORETYPE`), which race with `getenv` on any other
  /// thread: the executable calls this first thing in its entry, while it has one thread.
  package static func choose() { _ = checked }

  /// Done once, before the first product (``BLASScalar``'s gemm reads it; Swift runs a static
  /// initialiser once, other threads waiting for it), so no thread is inside BLAS meanwhile.
  /// Where ``choose()`` was not called first (library and test use), that lazy first use sets
  /// the environment variable and is safe only while the process runs one thread.
  static let checked: Bool = {
    guard !forcedByUser, String(cString: openblas_get_corename()) == fallback,
      let better = supported
    else { return false }
    return tlblas_select_core(better) == 1
  }()
}
