import Foundation
import TLFormats
import TLIO
import TLPipeline
import TLTestSupport
import Testing

@testable import TLBatch

private let plainNames: Set<String> = ["out", "dx", "affine.dW", "affine.db"]

/// The names in the outputs manifest of `directory`.
private func manifestNames(_ directory: String) throws -> [String] {
  try #require(try OutputsManifest.read(directory: directory)).files.map(\.name).sorted()
}

/// Each case of a batch keeps its own outputs exact: a plain batch after an --intermediates
/// batch leaves no `affine.out` in any case.
@Test func batchCasesRemoveTheirOwnStaleOutputs() throws {
  let root = try batchFixtureCopy()
  defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
  let spec = try PipelineSpec.load(path: root.appendingPathComponent("pipeline.json").path)
  let cases = try BatchCase.discover(in: root.appendingPathComponent("cases").path)
  _ = try BatchRunner.run(spec, cases: cases, jobs: 2, options: RunOptions(intermediates: true))
  let first = root.appendingPathComponent("cases/case_1/out").path
  #expect(Set(try ArrayIO.npyFiles(in: first)) == plainNames.union(["affine.out", "affine.dx"]))
  _ = try BatchRunner.run(spec, cases: cases, jobs: 2)
  for name in goodCases {
    let out = root.appendingPathComponent("cases/\(name)/out").path
    #expect(Set(try ArrayIO.npyFiles(in: out)) == plainNames, "\(name)")
    #expect(try manifestNames(out) == plainNames.map { $0 + ".npy" }.sorted(), "\(name)")
    let dW = try NPY.read(path: out + "/affine.dW.npy")
    let expected = try NPY.read(path: root.appendingPathComponent("cases/\(name)/expected/affine.dW.npy").path)
    expectAllClose(dW, expected, rtol: 1e-12, atol: 1e-12)
    #expect(dW.dtype == expected.dtype && dW.shape == expected.shape)
  }
}
