import Foundation
import TLDiagnosis
import TLPipeline
import TLTestSupport
import Testing

/// Ports without a mistake that a do-nothing transform used to "explain" (testdata/mistakes,
/// written by gen_mistakes.py's `more_cases`): right but a few tolerances off, a 0-d loss off,
/// a stateful port given its state. None gets a diagnosis.
@Suite struct NoFalseDiagnosisTests {
  static let cases = MistakeCase.all.filter { $0.kind == nil && !["correct", "random_noise"].contains($0.case) }

  @Test func theCasesAreThere() {
    let names = Set(Self.cases.map(\.case))
    #expect(names.filter { $0.hasPrefix("small_noise_") }.count >= 7, "\(names)")
    #expect(names.isSuperset(of: ["loss_off", "state_given"]), "\(names)")
  }

  @Test(arguments: cases)
  func aPortWithoutAMistakeGetsNoDiagnosis(_ port: MistakeCase) throws {
    let result = try port.run()
    let found = result.diagnosis?.diagnosis ?? []
    #expect(found.isEmpty, "\(found.map(\.summary))")
    if let comparison = port.comparison {
      #expect(result.comparison?.isPass == (comparison == "pass"), "\(result.comparison?.textReport ?? "")")
    }
  }

  @Test func portsAFewTolerancesOffFailButAreNotExplained() throws {
    // The noise is there to be seen: most of these fail the comparison (1 to 10 tolerances off).
    let failing = try Self.cases.filter { $0.case.hasPrefix("small_noise_") }.filter {
      try $0.run().comparison?.isPass == false
    }
    #expect(failing.count >= 5, "\(failing.map(\.case))")
  }

  @Test func eachDroppedCarryIsNamedInTheDetail() throws {
    let expected = [
      "no_bptt_carry_lstm_dh": "with dh not carried (dc carried)",
      "no_bptt_carry_lstm_dc": "with dc not carried (dh carried)",
      "no_bptt_carry_lstm_both": "with dh and dc not carried",
      "no_bptt_carry_gru": "with dh not carried to",
    ]
    for (name, prefix) in expected {
      let found = try #require(try MistakeCase(case: name).run().diagnosis?.diagnosis.first)
      #expect(found.kind == .noBPTTCarry && found.detail.hasPrefix(prefix), "\(name): \(found.summary)")
    }
  }

  @Test func withoutIntermediatesTheGateOrderIsFoundOnTheLSTMNotTheLoss() throws {
    let found = try MistakeCase(case: "gate_order_no_intermediates").run().diagnosis?.diagnosis ?? []
    #expect(found.map(\.layer) == ["lstm"] && found.first?.kind == .gateOrder, "\(found.map(\.summary))")
    #expect(found.first?.arrays.contains("lstm.dWx") == true)
  }

  @Test func aFactorOfOneOverTIsNamedSo() throws {
    let found = try #require(try MistakeCase(case: "scaled_over_t").run().diagnosis?.diagnosis.first)
    #expect(found.kind == .scaled && found.detail.contains("is 1/6 (= 1/T) × tl-run's"), "\(found.summary)")
  }
}
