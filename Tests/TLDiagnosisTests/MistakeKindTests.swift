import Foundation
import TLDiagnosis
import TLPipeline
import TLTestSupport
import Testing

/// Each port of testdata/mistakes has ONE mistake: the diagnosis names that layer and kind and
/// no other kind; the correct port gets no diagnosis, and neither does the randomly wrong one.
@Suite struct MistakeKindTests {
  @Test func everyKindOfSection7HasACase() {
    let covered = Set(MistakeCase.all.compactMap(\.kind))
    // concat-order is covered by TimeBiLSTM, the version-1 concatenation.
    #expect(
      covered == Set(MistakeKind.allCases.map(\.rawValue)),
      "missing: \(Set(MistakeKind.allCases.map(\.rawValue)).subtracting(covered))")
  }

  @Test(arguments: MistakeCase.all.filter { $0.kind != nil && $0.case != "isolate_chain" })
  func thePortsMistakeIsNamedAndNothingElse(_ mistake: MistakeCase) throws {
    let result = try mistake.run()
    #expect(result.comparison?.isPass == false, "the port's mistake must make the comparison fail")
    let found = result.diagnosis?.diagnosis ?? []
    #expect(found.map(\.kind.rawValue) == [mistake.kind].compactMap { $0 }, "\(found.map(\.summary))")
    #expect(found.allSatisfy { $0.layer == mistake.layer }, "\(found.map(\.summary))")
    if let step = mistake.step { #expect(found.first?.step == step, "\(found.map(\.summary))") }
    if let gates = mistake.gates { #expect(found.first?.gates == gates, "\(found.map(\.summary))") }
    #expect(found.allSatisfy { !$0.detail.isEmpty && $0.summary.contains($0.kind.rawValue) })
  }

  @Test func aCorrectPortPassesWithNoDiagnosis() throws {
    let result = try MistakeCase(case: "correct").run()
    #expect(result.comparison?.isPass == true)
    #expect(result.diagnosis == nil)
  }

  @Test func aRandomlyWrongPortFailsWithNoDiagnosis() throws {
    let result = try MistakeCase(case: "random_noise").run()
    #expect(result.comparison?.isPass == false)
    #expect(result.diagnosis?.diagnosis == [], "\(result.diagnosis?.diagnosis.map(\.summary) ?? [])")
    // Where it fails is still said: from the first step, in every gate block.
    let locations = result.diagnosis?.locations ?? []
    #expect(locations.contains { $0.array == "lstm.dWx" && $0.gates == ["f", "g", "i", "o"] })
    #expect(locations.contains { $0.array == "out" && $0.step == 0 })
  }

  @Test func theGateOrderFoundIsNamedWithItsEvidence() throws {
    let found = try #require(try MistakeCase(case: "gate_order_lstm").run().diagnosis?.diagnosis.first)
    #expect(
      found.detail.hasPrefix("with gates in order [i, f, g, o] instead of the book's [f, g, i, o]"), "\(found.detail)")
    #expect(found.arrays.contains("lstm.dWx") && found.arrays.contains("out"))
  }

  @Test func aTimeShiftNamesItsFirstFailingStep() throws {
    let found = try #require(try MistakeCase(case: "time_shift").run().diagnosis?.diagnosis.first)
    #expect(found.step == 1 && found.detail.contains("one step late"), "\(found.summary)")
  }

  @Test func theScaleFactorIsInTheDetail() throws {
    let found = try #require(try MistakeCase(case: "scaled").run().diagnosis?.diagnosis.first)
    #expect(found.array == "affine.db" && found.detail.contains(" 2 × tl-run's"), "\(found.detail)")
  }
}
