import FuzzSupport
import TLArray
import TLFormats

let scratch = ScratchFile(suffix: ".safetensors")
let rewritten = ScratchFile(suffix: "-rewritten.safetensors")

/// One `.safetensors` file: the header (length, strict JSON, dtypes, offsets, coverage), the
/// listing and metadata, each tensor read alone and all together, as `inspect`, `compare` and
/// `convert` do. A file that reads is written back and read again: the tensors must come back
/// equal, or the writer and the reader disagree (a trap, so libFuzzer saves the input).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  guard scratch.write(fuzzInput(data, size)) else { return 0 }
  _ = try? SafeTensors.metadata(path: scratch.path)
  if let entries = try? SafeTensors.readEach(path: scratch.path) {
    for (entry, _) in entries.prefix(16) {
      _ = try? SafeTensors.read(path: scratch.path, name: entry.name)
    }
  }
  guard let all = try? SafeTensors.readAll(path: scratch.path) else { return 0 }
  do {
    try SafeTensors.write(all, to: rewritten.path)
    let again = try SafeTensors.readAll(path: rewritten.path)
    precondition(again.map(\.name) == all.map(\.name), "names changed in a write and read")
    for (before, after) in zip(all, again) {
      precondition(before.array == after.array, "tensor \(before.name) changed in a write and read")
    }
  } catch {
    preconditionFailure("a file that reads could not be written back: \(error)")
  }
  return 0
}

/// The process's entry point (SwiftPM links `main` to `FuzzSafeTensors_main`): libFuzzer's driver.
@_cdecl("FuzzSafeTensors_main")
public func fuzzSafeTensorsMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
  runFuzzer(argc, argv, fuzzSafeTensors)
}
