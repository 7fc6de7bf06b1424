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

  @Test("a kernel family chosen by OPENBLAS_CORETYPE is named as the user's choice")
  func namesTheUsersChoice() throws {
    var environment = Self.environment
    environment["OPENBLAS_CORETYPE"] = "Prescott"
    let last = try #require(try Self.timings(environment).last)
    #expect(last.hasPrefix("OpenBLAS kernels: Prescott, as OPENBLAS_CORETYPE chose"), "\(last)")
    #if arch(x86_64)
      // Every x86-64 CPU this project runs on has AVX2 and FMA at least.
      #expect(last.contains("; this CPU runs its "), "\(last)")
    #endif
  }
}
