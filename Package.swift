// swift-tools-version:6.0
// tl-run: run the time-series layers of "Deep Learning from Scratch 2" on arrays from disk
// and check them against NumPy. Modules point one way (docs/architecture.md):
// TLArray ← TLFormats/TLHDF5 ← TLIO;  TLArray ← TLKernels ← TLLayers;  TLArray ← TLCompare;
// TLIO, TLLayers, TLCompare ← TLPipeline ← tl-run. Only TLKernels imports CBLAS.
import PackageDescription

let package = Package(
  name: "tl-run",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "tl-run", targets: ["tl-run"]),
    .library(name: "TLPipeline", targets: ["TLPipeline"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
  ],
  targets: [
    // C boundaries: each is imported by exactly one Swift module (CBLAS by TLKernels), but zlib,
    // which TLHDF5 (gzip chunks) and TLFormats (deflated .npz members) both use.
    .systemLibrary(
      name: "CBLAS", pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev", "pkg-config"])]),
    .systemLibrary(
      name: "CHDF5", pkgConfig: "hdf5-serial",
      providers: [.apt(["libhdf5-dev", "pkg-config"])]),
    .systemLibrary(name: "CTLZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    .systemLibrary(name: "CTLCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
    .systemLibrary(
      name: "CTLLzma", pkgConfig: "liblzma", providers: [.apt(["liblzma-dev", "pkg-config"])]),
    .systemLibrary(name: "CTLBzip2", providers: [.apt(["libbz2-dev"])]),
    // The signal handlers that turn a crash inside libhdf5 into one line and exit status 2.
    .target(name: "CTLCrashGuard"),

    .target(name: "TLArray"),
    .target(
      name: "TLFormats",
      dependencies: [
        "TLArray", "CTLZlib", "CTLLzma", "CTLBzip2",
        .product(name: "ZIPFoundation", package: "ZIPFoundation"),
      ]),
    .target(name: "TLHDF5", dependencies: ["TLArray", "CHDF5", "CTLZlib", "CTLCrashGuard"]),
    .target(name: "TLIO", dependencies: ["TLArray", "TLFormats", "TLHDF5"]),
    .target(name: "TLCompare", dependencies: ["TLArray"]),
    // The kernels (BLAS and its threads, GEMM views, SIMD, NumPy emulation), then the book's
    // layers on them; nothing above the layers imports the kernels.
    .target(name: "TLKernels", dependencies: ["TLArray", "CBLAS"], exclude: ["README.md"]),
    .target(name: "TLLayers", dependencies: ["TLArray", "TLKernels"], exclude: ["README.md"]),
    .target(name: "TLPipeline", dependencies: ["TLArray", "TLIO", "TLLayers", "TLCompare", "CTLCrypto"]),
    .executableTarget(
      name: "tl-run",
      dependencies: [
        "TLArray", "TLPipeline", "TLIO", "TLHDF5", "TLCompare",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    .target(name: "TLTestSupport", dependencies: ["TLArray", "TLFormats"], path: "Tests/TLTestSupport"),
    .testTarget(name: "TLArrayTests", dependencies: ["TLArray", "TLTestSupport"]),
    .testTarget(name: "TLFormatsTests", dependencies: ["TLFormats", "TLTestSupport"]),
    .testTarget(name: "TLHDF5Tests", dependencies: ["TLHDF5", "TLFormats", "TLTestSupport"]),
    .testTarget(name: "TLIOTests", dependencies: ["TLIO", "TLFormats", "TLHDF5", "TLTestSupport"]),
    .testTarget(name: "TLCompareTests", dependencies: ["TLCompare", "TLTestSupport"]),
    .testTarget(name: "TLKernelsTests", dependencies: ["TLKernels", "TLTestSupport"]),
    .testTarget(name: "TLLayersTests", dependencies: ["TLLayers", "TLKernels", "TLTestSupport"]),
    .testTarget(name: "TLPipelineTests", dependencies: ["TLPipeline", "TLCompare", "TLTestSupport"]),
    .testTarget(name: "CLITests", dependencies: ["TLArray", "TLFormats", "TLTestSupport"]),
  ]
)
