import Foundation
import TLTestSupport
import Testing

/// `--timings` ends with the OpenBLAS kernels the products ran on, and says when the user's
/// `OPENBLAS_CORETYPE` chose them below what the CPU runs (an environment pinning Haswell on an
/// AVX-512 CPU halves the products' speed).
@Suite struct TimingsCLITests {
  static func timings(_ environment: [String: String]) throws -> [Substring] {
    let directory = try scratchCopy("pipelines/seed_time_affine")
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    let result = try runTLRun(
      ["pipeline.json", "--timings"], in: directory, environment: environment)
    #expect(result.status == 0, "\(result.stderr)")
    return result.stderr.split(separator: "\n")
  }

  static var environment: [String: String] {
    ProcessInfo.processInfo.environment.filter { $0.key != "OPENBLAS_CORETYPE" }
  }

  @Test("the last line of --timings names the kernels, after the total")
  func namesTheKernels() throws {
    let lines = try Self.timings(Self.environment)
    #expect(lines.dropLast().last?.hasSuffix(" ms  total") == true, "\(lines)")
    let last = try #require(lines.last)
    #expect(last.hasPrefix("OpenBLAS kernels: ") && !last.contains("OPENBLAS_CORETYPE"), "\(last)")
  }

  /// Whether /proc/cpuinfo lists AVX2 and FMA (OpenBLAS's Haswell kernels run here).
  static var cpuHasAVX2: Bool {
    guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
      let flags = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
    else { return false }
    let set = Set(flags.split(separator: " "))
    return set.contains("avx2") && set.contains("fma")
  }

  #if arch(x86_64)
    @Test("a kernel family chosen by OPENBLAS_CORETYPE is named as the user's choice")
    func namesTheUsersChoice() throws {
      var environment = Self.environment
      environment["OPENBLAS_CORETYPE"] = "prescott"
      let last = try #require(try Self.timings(environment).last)
      #expect(last.hasPrefix("OpenBLAS kernels: Prescott, as OPENBLAS_CORETYPE chose"), "\(last)")
      if Self.cpuHasAVX2 { #expect(last.contains("; this CPU has "), "\(last)") }
    }
  #endif

  @Test("a value that names no kernels is reported as ignored, and changes nothing")
  func namesAnIgnoredValue() throws {
    let own = try #require(try Self.timings(Self.environment).last)
    var environment = Self.environment
    environment["OPENBLAS_CORETYPE"] = "Bogus"
    let last = try #require(try Self.timings(environment).last)
    #expect(last == own + " (OPENBLAS_CORETYPE=Bogus names none of its kernels; OpenBLAS ignored it)", "\(last)")
  }

  @Test("a newline in OPENBLAS_CORETYPE stays inside the one escaped line")
  func escapesTheValue() throws {
    var environment = Self.environment
    environment["OPENBLAS_CORETYPE"] = "ab\ncd"
    let lines = try Self.timings(environment)
    #expect(lines.dropLast().last?.hasSuffix(" ms  total") == true, "\(lines)")
    #expect(lines.last?.contains("OPENBLAS_CORETYPE=ab\\x0acd names none of its kernels") == true, "\(lines)")
  }
}
