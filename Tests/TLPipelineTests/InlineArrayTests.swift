import TLArray
import Testing

@testable import TLPipeline

private func decode(_ json: String) throws -> SourceSpec {
  let value = try JSONParser.parse(Array(json.utf8))
  return try SourceSpec.decode(value, file: "p.json", path: "input")
}

private func inlineArray(_ json: String) throws -> NDArray {
  guard case .inline(let array) = try decode(json).form else {
    Issue.record("\(json) did not decode to an inline array")
    return NDArray(zeros: .bool, shape: [0])
  }
  return array
}

/// `np.array(data, dtype)` results: dtype inference, shape, exact integers.
@Test func inlineArraysFollowNumPy() throws {
  let ids = try inlineArray(#"{"data": [[2, 5, 1, 4], [3, 2, 7, 8]], "dtype": "int64"}"#)
  #expect(ids.dtype == .int64 && ids.shape == [2, 4] && ids.scalars(as: Int64.self) == [2, 5, 1, 4, 3, 2, 7, 8])
  #expect(try inlineArray(#"{"data": [1, 2]}"#).dtype == .int64)
  #expect(try inlineArray(#"{"data": [1, 2.5]}"#).dtype == .float64)
  #expect(try inlineArray(#"{"data": [true, false]}"#).dtype == .bool)
  #expect(try inlineArray(#"{"data": []}"#).dtype == .float64)
  #expect(try inlineArray(#"{"data": [[], []]}"#).shape == [2, 0])
  let scalar = try inlineArray("1.0")
  #expect(scalar.shape == [] && scalar.dtype == .float64 && scalar.double(atFlat: 0) == 1)
  #expect(try inlineArray("1").dtype == .int64)
  let big = try inlineArray(#"{"data": [9223372036854775807], "dtype": "int64"}"#)
  #expect(big.scalars(as: Int64.self) == [Int64.max])
  let f32 = try inlineArray(#"{"data": [0.1], "dtype": "f"}"#)
  #expect(f32.dtype == .float32 && f32.scalars(as: Float.self) == [Float(0.1)])
}

@Test(arguments: [
  (#"{"data": [[1, 2], [3]]}"#, "ragged"),
  (#"{"data": [1, [2]]}"#, "ragged"),
  (#"{"data": [300], "dtype": "uint8"}"#, "not a valid uint8"),
  (#"{"data": [1.5], "dtype": "int32"}"#, "not a valid int32"),
  (#"{"data": [-1], "dtype": "uint16"}"#, "not a valid uint16"),
  (#"{"data": ["a"]}"#, "only numbers and booleans"),
  (#"{"data": [1], "dtype": "complex64"}"#, "unknown dtype \"complex64\""),
  (#"{"data": [1], "type": "int64"}"#, "unknown key \"type\""),
  (#"{"dtype": "int64"}"#, "missing required key \"data\""),
  ("null", "expected an array source"),
  (#""""#, "empty file name"),
])
func badInlineArraysAreRefused(json: String, fragment: String) {
  do {
    _ = try decode(json)
    Issue.record("\(json) was accepted")
  } catch {
    #expect("\(error)".contains(fragment), "message: \(error)")
    #expect("\(error)".hasPrefix("p.json: input"), "message: \(error)")
  }
}
