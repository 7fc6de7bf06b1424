import FuzzSupport
import TLPipeline

/// One pipeline file's text: the JSON parser and the strict decoding of every key.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPipelineJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  let bytes = [UInt8](fuzzInput(data, size))
  _ = try? PipelineSpec.decode(bytes, file: "pipelines/fuzz/pipeline.json")
  return 0
}

/// The process's entry point (SwiftPM links `main` to `FuzzPipelineJSON_main`): libFuzzer's driver.
@_cdecl("FuzzPipelineJSON_main")
public func fuzzPipelineJSONMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
  runFuzzer(argc, argv, fuzzPipelineJSON)
}
