// swift-tools-version:6.2
// tl-run: run the time-series layers of "Deep Learning from Scratch 2" on arrays from disk
// and check them against NumPy. Modules point one way (docs/architecture.md, which lists what
// each owns and may import; "A ← B" is "B imports A"):
//   TLSystem ← TLArray ← TLFormats, TLChunks;  TLChunks ← TLHDF5;  TLFormats, TLHDF5 ← TLIO;
//   TLArray ← TLKernels ← TLLayers;  TLArray ← TLCompare ← TLReportHTML (the --html page) ← TLBatch;
//   TLLayers, TLCompare ← TLDiagnosis;  TLIO, TLLayers, TLCompare, TLDiagnosis ← TLPipeline ← TLBatch ← tl-run (which also uses TLPipeline, TLIO
//   and TLCompare for its commands, and TLHDF5 for the crash guard).
// TLSystem owns the system calls; each C module has one Swift importer (CBLAS, CTLMath: TLKernels),
// but for CTLDeflate: TLChunks inflates with it, TLFormats takes only its CRC-32.
import PackageDescription

let package = Package(
  name: "tl-run",
  // macOS 15 for Synchronization.Mutex, the one lock.
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "tl-run", targets: ["tl-run"]),
    .library(name: "TLPipeline", targets: ["TLPipeline"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
  ],
  targets: [
    // MARK: - C boundaries
    // Each is imported by exactly one Swift module (CBLAS and CTLMath by TLKernels), CTLDeflate
    // by TLChunks and, for libdeflate_crc32 alone, TLFormats.
    .target(name: "CTLSystem"),  // system calls and flags Glibc does not import: TLSystem
    // OpenBLAS's pthreads build linked from its static archive (module.modulemap, shim.h):
    // resolving the shared library's ~16,000 symbol relocations cost every process 2–4 ms.
    .systemLibrary(name: "CBLAS", providers: [.apt(["libopenblas-dev"])]),
    // libhdf5's headers (libhdf5-dev) and a loader: libhdf5 is dlopen'ed on first use, not linked.
    .target(name: "CHDF5", exclude: ["README.md"], linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
    .systemLibrary(
      name: "CTLDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev", "pkg-config"])]),
    .systemLibrary(name: "CTLZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    .systemLibrary(name: "CTLCrypto", providers: [.apt(["libssl-dev"])]),
    .systemLibrary(
      name: "CTLLzma", pkgConfig: "liblzma", providers: [.apt(["liblzma-dev", "pkg-config"])]),
    .systemLibrary(name: "CTLBzip2", providers: [.apt(["libbz2-dev"])]),
    // The signal handlers that turn a crash inside libhdf5, or a mapped input file truncated
    // under tl-run, into one line and exit status 2.
    .target(name: "CTLCrashGuard"),
    // Loops in C chosen at run time (NumPy's AVX2/FMA3 float32 exp and log, an AVX2 row max, the
    // AVX-512F panel product of the recurrent steps) and Adam's step: TLKernels.
    .target(name: "CTLMath"),

    // MARK: - System calls and arrays
    .target(name: "TLSystem", dependencies: ["CTLSystem", "CTLCrashGuard"], exclude: ["README.md"]),
    .target(name: "TLArray", dependencies: ["TLSystem"], exclude: ["README.md"]),

    // MARK: - Files ↔ arrays
    .target(
      name: "TLFormats",
      dependencies: [
        "TLArray", "TLSystem", "CTLZlib", "CTLDeflate", "CTLLzma", "CTLBzip2", "CTLCrashGuard",
        .product(name: "ZIPFoundation", package: "ZIPFoundation"),
      ], exclude: ["README.md"]),
    .target(name: "TLChunks", dependencies: ["TLArray", "TLSystem", "CTLDeflate"], exclude: ["README.md"]),
    .target(
      name: "TLHDF5", dependencies: ["TLArray", "TLSystem", "TLChunks", "CHDF5", "CTLCrashGuard"],
      exclude: ["README.md"]),
    .target(name: "TLIO", dependencies: ["TLArray", "TLSystem", "TLFormats", "TLHDF5"], exclude: ["README.md"]),

    // MARK: - Layers and verdicts
    .target(name: "TLCompare", dependencies: ["TLArray"], exclude: ["README.md"]),
    // The --html page: heatmaps, histograms and the cases' table of a run or batch.
    .target(name: "TLReportHTML", dependencies: ["TLArray", "TLSystem", "TLCompare"], exclude: ["README.md"]),
    // The kernels (BLAS and its threads, GEMM views, SIMD, NumPy emulation), then the book's
    // layers on them; nothing above the layers imports the kernels.
    .target(name: "TLKernels", dependencies: ["TLArray", "TLSystem", "CBLAS", "CTLMath"], exclude: ["README.md"]),
    .target(name: "TLLayers", dependencies: ["TLArray", "TLKernels"], exclude: ["README.md"]),
    // Version-2 graphs (pipeline.md §6): values, references, glue ops, forward/backward over layers.
    .target(name: "TLGraph", dependencies: ["TLArray", "TLSystem", "TLKernels", "TLLayers"], exclude: ["README.md"]),

    // MARK: - Runs and the command line
    // A module's README.md says what it owns and may import; it is no source.
    .target(
      name: "TLDiagnosis", dependencies: ["TLArray", "TLLayers", "TLCompare"], exclude: ["README.md"]),
    .target(
      name: "TLPipeline",
      dependencies: ["TLArray", "TLSystem", "TLIO", "TLLayers", "TLGraph", "TLCompare", "TLDiagnosis"],
      exclude: ["README.md"]),
    .target(
      name: "TLBatch",
      dependencies: [
        "TLPipeline", "TLArray", "TLSystem", "TLIO", "TLLayers", "TLCompare", "TLDiagnosis", "TLReportHTML",
        "CTLCrypto",
      ],
      exclude: ["README.md"]),
    .executableTarget(
      name: "tl-run",
      dependencies: [
        "TLArray", "TLBatch", "TLPipeline", "TLIO", "TLHDF5", "TLCompare",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ], exclude: ["README.md"]),

    // MARK: - Tests
    // Test support: the fixtures' paths and comparisons, and the one way tests start a process.
    .target(name: "CTLTestSpawn", path: "Tests/CTLTestSpawn"),
    .target(
      name: "TLTestSupport", dependencies: ["TLArray", "TLFormats", "TLHDF5", "CTLTestSpawn", "CTLZlib"],
      path: "Tests/TLTestSupport"),
    .testTarget(name: "TLSystemTests", dependencies: ["TLSystem", "TLTestSupport"]),
    .testTarget(name: "TLArrayTests", dependencies: ["TLArray", "TLTestSupport"]),
    .testTarget(name: "TLFormatsTests", dependencies: ["TLFormats", "TLSystem", "TLTestSupport"]),
    .testTarget(name: "TLChunksTests", dependencies: ["TLChunks", "TLTestSupport"]),
    .testTarget(name: "TLHDF5Tests", dependencies: ["TLHDF5", "TLChunks", "TLFormats", "TLSystem", "TLTestSupport"]),
    .testTarget(name: "TLIOTests", dependencies: ["TLIO", "TLFormats", "TLHDF5", "TLSystem", "TLTestSupport"]),
    .testTarget(name: "TLCompareTests", dependencies: ["TLCompare", "TLTestSupport"]),
    .testTarget(name: "TLReportHTMLTests", dependencies: ["TLReportHTML", "TLCompare", "TLArray", "TLTestSupport"]),
    .testTarget(name: "TLKernelsTests", dependencies: ["TLKernels", "TLTestSupport"]),
    .testTarget(name: "TLLayersTests", dependencies: ["TLLayers", "TLKernels", "TLTestSupport"]),
    .testTarget(
      name: "TLGraphTests", dependencies: ["TLGraph", "TLLayers", "TLKernels", "TLFormats", "TLTestSupport"]),
    .testTarget(
      name: "TLDiagnosisTests",
      dependencies: ["TLDiagnosis", "TLPipeline", "TLLayers", "TLCompare", "TLArray", "TLTestSupport"]),
    .testTarget(
      name: "TLPipelineTests", dependencies: ["TLPipeline", "TLCompare", "TLKernels", "TLSystem", "TLTestSupport"]),
    .testTarget(name: "TLBatchTests", dependencies: ["TLBatch", "TLPipeline", "TLIO", "TLFormats", "TLTestSupport"]),
    // CLITests runs the tl-run executable, so it depends on it: building the tests builds it.
    .testTarget(
      name: "CLITests", dependencies: ["tl-run", "TLArray", "TLFormats", "TLHDF5", "TLSystem", "TLTestSupport"]),
  ]
)

// Warnings are errors in every target, C and Swift alike.
for target in package.targets where target.type != .system {
  target.swiftSettings = (target.swiftSettings ?? []) + [.treatAllWarnings(as: .error)]
  target.cSettings = (target.cSettings ?? []) + [.treatAllWarnings(as: .error)]
}
