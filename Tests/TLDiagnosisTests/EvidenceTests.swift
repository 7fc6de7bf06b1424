import TLCompare
import Testing

@testable import TLDiagnosis

/// The rule of docs/pipeline.md §7.1 for when a candidate explains the port's array, on values
/// worked by hand (float32 tolerance: rtol 1.3e-6, atol 1e-5).
@Suite struct EvidenceTests {
  let tolerance = Tolerance.float32
  let ours = [1.0, -2.0, 0.5, 3.0]

  @Test func aCandidateThatChangesNothingExplainsNothing() {
    // The port 2 to 3 tolerances off tl-run's: the do-nothing candidate "fits" but is no mistake.
    let port = ours.map { $0 + 3e-5 }
    let judged = Evidence.judge(candidate: ours, ours: ours, port: port, tolerance: tolerance)
    #expect(judged.fits && !judged.explains)
  }

  @Test func aCandidateAFewTolerancesFromTlRunsExplainsNothing() {
    // A factor of 1.00006 on values up to 1: at most 5.3 tolerances from tl-run's, under the 10
    // asked, though the port is exactly that.
    let small = [0.2, -0.5, 1.0, 0.8]
    let scaled = small.map { $0 * 1.00006 }
    let judged = Evidence.judge(candidate: scaled, ours: small, port: scaled, tolerance: tolerance)
    #expect(judged.fits && !judged.explains)
  }

  @Test func aCandidateTheRealMistakeMatchesExplains() {
    let port = ours.map { $0 * 2 }
    let judged = Evidence.judge(candidate: port.map { $0 + 1e-7 }, ours: ours, port: port, tolerance: tolerance)
    #expect(judged.fits && judged.explains && abs(judged.maxDiff - 1e-7) < 1e-12)
  }

  @Test func aCandidateOnlySomewhatBetterThanTlRunsExplainsNothing() {
    // tl-run's 28 tolerances off, the candidate 3.3 (it fits): 8.6× better, under the 10× asked.
    let port = ours.map { $0 + 3e-4 }
    let candidate = ours.map { $0 + 2.65e-4 }
    let judged = Evidence.judge(candidate: candidate, ours: ours, port: port, tolerance: tolerance)
    #expect(judged.fits && !judged.explains)
  }

  @Test func distanceIsInTolerancesAtTheWorstElement() {
    let measured = Evidence.distance([1.0, 2.0 + 2e-5], [1.0, 2.0], tolerance)
    #expect(abs(measured.tolerances - 2e-5 / (1e-5 + 1.3e-6 * 2)) < 1e-9)
    #expect(abs(measured.maxDiff - 2e-5) < 1e-12)
  }
}
