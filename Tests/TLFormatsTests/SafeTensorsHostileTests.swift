import Foundation
import TLArray
import TLTestSupport
import Testing

@testable import TLFormats

/// `testdata/safetensors/bad/` (gen_safetensors.py): one fault per file, each refused before
/// any data is read, in one line naming the file, the tensor where there is one, and the fault.
private let hostileCases: [(file: String, tensor: String?, message: String)] = [
  ("overlap", "b", "data_offsets [4, 12] overlap those of tensor 'a', which end at 8"),
  ("past-end", "a", "data_offsets [0, 8] run past the end of the file (its data buffer holds 4 bytes)"),
  ("header-huge", nil, "header length 4611686018427387904 is more than the 100000000 bytes"),
  ("header-too-large", nil, "header length 100000001 is more than the 100000000 bytes the safetensors package allows"),
  ("header-past-end", nil, "header length 1000 runs past the end of the file (16 bytes)"),
  ("wrong-size", "a", "data_offsets [0, 20] hold 20 bytes but shape (2, 3) of F32 needs 24"),
  ("duplicate", "a", "the header declares this tensor twice"),
  ("not-utf8", nil, "the header is not UTF-8 (an invalid sequence at header byte 3)"),
  ("hole", "b", "bytes 4..<8 of the data buffer, before this tensor, belong to no tensor (a hole"),
  ("hole-at-start", "a", "bytes 0..<4 of the data buffer"),
  ("trailing", nil, "the last 3 bytes of the file belong to no tensor"),
  ("unknown-dtype", "a", "unknown dtype 'Q8' (the safetensors package knows BOOL, F4"),
  ("negative-shape", "a", "shape holds a negative number"),
  ("float-shape", "a", "shape holds a number that is not an integer"),
  ("overflow-shape", "a", "shape (4294967296, 4294967296, 4) of F32 overflows the byte count"),
  ("huge-offset", "a", "data_offsets holds a number larger than 9223372036854775807"),
  ("trailing-comma", nil, "a comma before '}' (a trailing comma) is not JSON"),
  ("truncated-json", "a", "the header ends inside a string"),
  ("lone-surrogate", nil, "a lone leading surrogate \\u escape is not a character"),
  ("raw-control", nil, "a raw control character (byte 0x01) in a string is not JSON"),
  ("metadata-not-string", nil, "expected a string (__metadata__ values are strings), found '1'"),
  ("unknown-key", "a", "unknown key 'order'; a tensor has dtype, shape and data_offsets"),
  ("missing-key", "a", "the tensor has no data_offsets"),
  ("three-offsets", "a", "data_offsets holds 3 numbers, not two (begin, end)"),
  ("begin-after-end", "b", "data_offsets [8, 4]: the begin is after the end"),
  ("not-object", nil, "expected the header's '{', found '['"),
  ("sub-byte", "a", "shape (3,) of F4 is not a whole number of bytes"),
  ("short", nil, "is 5 bytes long, too short for a safetensors file"),
  ("npy-magic", nil, "; it looks like a .npy file"),
]

@Suite struct SafeTensorsHostileTests {
  @Test(arguments: hostileCases.map(\.file))
  func hostileFileIsRefusedInOneLine(_ name: String) throws {
    let item = try #require(hostileCases.first { $0.file == name })
    let path = Fixtures.path("safetensors/bad/\(name).safetensors")
    for call in [
      { _ = try SafeTensors.readAll(path: path) }, { _ = try SafeTensors.tensors(path: path) },
      { _ = try SafeTensors.read(path: path, name: "a") },
    ] {
      let error = try #require(throws: FormatError.self) { try call() }
      #expect(error.file == path && error.member == item.tensor, "\(error)")
      #expect(error.message.contains(item.message), "\(error)")
      #expect(!error.description.contains("\n"))
    }
  }

  /// A header longer than the file is refused before the header is read, so a 12-byte file
  /// cannot make the reader allocate 100 MB.
  @Test func headerLengthIsCheckedAgainstTheFileFirst() throws {
    let directory = try Fixtures.temporaryDirectory("st-hostile")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("x.safetensors").path
    try Data([0x00, 0xE1, 0xF5, 0x05, 0, 0, 0, 0, 0x7B, 0x7D, 0x20, 0x20]).write(to: URL(fileURLWithPath: path))
    let error = try #require(throws: FormatError.self) { try SafeTensors.readAll(path: path) }
    #expect(error.message == "header length 100000000 runs past the end of the file (12 bytes)")
  }

  /// A FIFO named `.safetensors` is refused by kind, not opened (which would block).
  @Test func aFIFOIsRefused() throws {
    let directory = try Fixtures.temporaryDirectory("st-fifo")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("w.safetensors").path
    #expect(mkfifo(path, 0o600) == 0)
    let error = try #require(throws: FormatError.self) { try SafeTensors.readAll(path: path) }
    #expect(error.message.contains("FIFO"))
  }

  /// JSON spellings the package's serde_json reads: escapes, whitespace, a `null` metadata.
  @Test func strictJSONStillReadsEveryLegalSpelling() throws {
    let header = #"  { "a\u00e9\"\\\/\n" : {"shape":[ 1 ] ,"data_offsets":[0,4],"dtype":"F32"} , "__metadata__":null}"#
    let parsed = try SafeTensorsHeader(header: Array(header.utf8), dataLength: 4, source: Source(file: "x"))
    #expect(parsed.tensors.map(\.name) == ["a\u{e9}\"\\/\n"])
    #expect(parsed.tensors.first?.shape == [1] && parsed.metadata.isEmpty)
    let pair = #"{"\ud83d\ude00":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}}"#
    let emoji = try SafeTensorsHeader(header: Array(pair.utf8), dataLength: 0, source: Source(file: "x"))
    #expect(emoji.tensors.first?.name == "😀")
  }

  @Test(arguments: [
    (#"{"a":{"dtype":"F32","shape":[01],"data_offsets":[0,4]}}"#, "leading zero"),
    (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}} x"#, "unexpected 'x' after the header's closing '}'"),
    (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"dtype":"F32"}}"#, "'dtype' is given twice"),
    (#"{"__metadata__":{},"__metadata__":{}}"#, "'__metadata__' is given twice"),
    (#"{"__metadata__":{"k":"a","k":"b"}}"#, "__metadata__ gives 'k' twice"),
    (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}"#, "the header ends inside an object"),
    (#"{"a\q":{}}"#, #"'\q' is not a JSON escape"#),
    (#"{"a":{"dtype":"F32","shape":[1] "data_offsets":[0,4]}}"#, "expected ',' or '}', found '\"'"),
    (#"{"a":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}"#, ""),
  ])
  func malformedJSONIsNamed(header: String, message: String) throws {
    let data = header.hasSuffix("[0,8]}}") ? 8 : 4
    let source = Source(file: "x")
    if message.isEmpty {  // C64 is a known dtype: the header is valid, the tensor refused on reading
      let parsed = try SafeTensorsHeader(header: Array(header.utf8), dataLength: data, source: source)
      #expect(parsed.tensors.first?.refusal?.contains("complex") == true)
      return
    }
    let error = try #require(throws: FormatError.self) {
      try SafeTensorsHeader(header: Array(header.utf8), dataLength: data, source: source)
    }
    #expect(error.message.contains(message), "\(error)")
  }
}
