// swift-tools-version:6.0
// libFuzzer targets for tl-run's readers, one executable per parser. A package of its own so
// the root package and its CI build stay untouched; `bash fuzz/run.sh` builds it with
// `-sanitize=fuzzer,address` and runs every target (see fuzz/README.md).
import Foundation
import PackageDescription

// A path dependency's identity is its directory's name, which differs between clones and
// worktrees (`tl-run`, `main`, `wt-fuzz`), so it is taken from where this manifest is.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let rootIdentity = root.lastPathComponent.lowercased()

let package = Package(
  name: "tl-run-fuzz",
  platforms: [.macOS(.v15)],  // the root package's (Synchronization.Mutex)
  dependencies: [.package(path: "..")],
  targets: [
    // TLPipeline is the root package's one library product; linking it links every reader
    // module (TLFormats, TLHDF5, TLIO), whose public API the targets import directly.
    .target(name: "CLibFuzzer"),
    .target(
      name: "FuzzSupport",
      dependencies: ["CLibFuzzer", .product(name: "TLPipeline", package: rootIdentity)]),
    .executableTarget(name: "FuzzNPY", dependencies: ["FuzzSupport"]),
    .executableTarget(name: "FuzzNPZ", dependencies: ["FuzzSupport"]),
    .executableTarget(name: "FuzzPipelineJSON", dependencies: ["FuzzSupport"]),
    .executableTarget(name: "FuzzHDF5", dependencies: ["FuzzSupport"]),
    .executableTarget(name: "FuzzSafeTensors", dependencies: ["FuzzSupport"]),
  ]
)
