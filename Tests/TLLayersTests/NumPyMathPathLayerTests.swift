import TLArray
import TLKernels
import TLTestSupport
import Testing

@testable import TLLayers

/// Every registered layer's fixture case run twice, on the default exp/log path (NumPy's
/// AVX2/FMA3 loops in C where the CPU has them) and on the Swift emulation
/// (`NumPyMathPath.withSwiftPath`): out, dx, every grad and every extra output byte for byte
/// the same (softmax, sigmoid, the losses' logs, the LSTM's and GRU's gates).
@Suite struct NumPyMathPathLayerTests {
  static func run(_ name: String) throws -> [String: NDArray] {
    let fixture = try LayerFixture(name)
    let layer = try fixture.kind().make(fixture.config())
    var results = ["out": try layer.forward(fixture.chainInput())]
    if let dx = try layer.backward(fixture.required("dout")) { results["dx"] = dx }
    for (param, grad) in zip(layer.paramNames, layer.grads) { results["d" + param] = grad }
    for (extra, array) in layer.extraOutputs { results[extra] = array }
    return results
  }

  @Test(
    "a layer gives the same bytes on the C and the Swift exp/log paths",
    arguments: try LayerFixture.all().filter { name in
      (try? LayerFixture(name)).map { LayerRegistry.kind(named: $0.meta.type) != nil } ?? false
    })
  func samePaths(_ name: String) throws {
    let viaDefault = try Self.run(name)
    let viaSwift = try NumPyMathPath.withSwiftPath { try Self.run(name) }
    #expect(Set(viaDefault.keys) == Set(viaSwift.keys))
    for (key, array) in viaDefault {
      #expect(viaSwift[key] == array, "\(name): \(key) differs between the paths")
    }
  }
}
