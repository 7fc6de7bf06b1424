import Glibc
import TLArray
import TLKernels
import TLSystem
import Testing

/// ``DeferredProduct``: the blocks, whoever computes them, give the bits of the same blocks run
/// at once; a helper beside a loop really computes them; the product is offered to the thread
/// that made it, once.
@Suite(.enabled(if: Processors.available > 1, "a deferred product needs two cores"))
struct DeferredProductTests {
  /// A (K×D)ᵀ·(K×M) weight-gradient product, M wide enough to be split (4 blocks of 512 and
  /// more): D=40, M=2304, K=200.
  struct Case {
    let k = 200, d = 40, m = 2304
    let x: Buffer<Float>, dout: Buffer<Float>
    init() {
      var seed: UInt64 = 0x5eed
      func next() -> Float {
        seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Float(Int(seed >> 40) % 2001 - 1000) / 997
      }
      x = Buffer(zeros: k * d)
      dout = Buffer(zeros: k * m)
      for i in 0..<k * d { x.p[i] = next() }
      for i in 0..<k * m { dout.p[i] = next() }
    }
    /// The same blocks, each one single-threaded BLAS call, run at once.
    func expected() -> [Float] {
      let out = Buffer<Float>(zeros: d * m)
      let bounds = DeferredProduct.blockBounds(columns: m)
      BLASThreads.singleThreaded {
        for part in 0..<bounds.count - 1 {
          let (from, to) = (bounds[part], bounds[part + 1])
          Kernel.gemm(
            x.matrix(rows: k, cols: d), transposed: true,
            Matrix(dout.p + from, rows: k, cols: to - from, ld: m), transposed: false,
            into: MutableMatrix(out.p + from, rows: d, cols: to - from, ld: m))
        }
      }
      return Array(UnsafeBufferPointer(start: out.p, count: d * m))
    }
    /// A fresh C and the product offered into it.
    func offered() throws -> (c: Buffer<Float>, product: DeferredProduct) {
      let c = Buffer<Float>(zeros: d * m)
      return (c, try #require(offer(into: c)))
    }
    /// C holds what the blocks run at once give, bit for bit.
    func expectExpected(_ c: Buffer<Float>) {
      #expect(Array(UnsafeBufferPointer(start: c.p, count: d * m)) == expected())
    }
    func offer(into c: Buffer<Float>) -> DeferredProduct? {
      DeferredProduct.withForcedUse {
        DeferredProduct.offering(
          x.matrix(rows: k, cols: d), transposed: true, dout.matrix(rows: k, cols: m), transposed: false,
          into: c.mutableMatrix(rows: d, cols: m), keeping: [x.array([k, d]), dout.array([k, m]), c.array([d, m])])
      }.result
    }
  }

  @Test("finished at once: the bits of the blocks run at once")
  func finishedAtOnce() throws {
    let test = Case()
    let (c, product) = try test.offered()
    #expect(!product.isComplete)
    product.finish()
    #expect(product.isComplete)
    test.expectExpected(c)
  }

  @Test("a helper beside a loop computes the blocks, with the same bits")
  func besideALoop() throws {
    let test = Case()
    let (c, product) = try test.offered()
    // As a time loop runs it: inside a scope with OpenBLAS on one thread.
    WorkerPlacement.settle()  // this test may run on a thread another test's held caller started
    let outside = Processors.ofCallingThread
    let (sawComplete, loopCPUs) = BLASThreads.alone(when: true) { _ in
      product.computeBeside {
        for _ in 0..<5000 where !product.isComplete { usleep(1000) }  // up to 5 s
        return (product.isComplete, Processors.ofCallingThread)
      }
    }
    #expect(sawComplete, "the helper did not compute the blocks while the loop ran")
    // The loop keeps its CPU while the helper runs beside it (computeBeside's own placement
    // region, whether or not the scope narrowed OpenBLAS: another test may hold it at one
    // thread meanwhile), and is free again after.
    #expect(loopCPUs == (outside >= 2 ? 1 : outside))
    #expect(Processors.ofCallingThread == outside)
    product.finish()
    test.expectExpected(c)
  }

  @Test("a loop that ends at once leaves the blocks to finish")
  func shortLoop() throws {
    let test = Case()
    let (c, product) = try test.offered()
    BLASThreads.alone(when: true) { _ in product.computeBeside {} }
    product.finish()
    test.expectExpected(c)
  }

  @Test("offered to the thread that made it, once, and not after it is finished")
  func offeredOnce() throws {
    let test = Case()
    let (_, product) = try test.offered()
    let taken = DeferredProduct.takeOffered()
    #expect(taken === product)
    #expect(DeferredProduct.takeOffered() == nil, "taken twice")
    product.finish()
    let (_, other) = try test.offered()
    other.finish()
    #expect(DeferredProduct.takeOffered() == nil, "a finished product was still offered")
  }

  @Test func blocksCoverTheColumns() {
    for columns in [2048, 2304, 10000, 10_001] {
      let bounds = DeferredProduct.blockBounds(columns: columns)
      #expect(bounds.first == 0 && bounds.last == columns)
      #expect(zip(bounds, bounds.dropFirst()).allSatisfy { $0 < $1 }, "\(columns): \(bounds)")
      #expect(bounds.dropLast().allSatisfy { $0 % 64 == 0 }, "\(columns): \(bounds)")
      #expect(bounds.count - 1 == columns / DeferredProduct.blockColumns, "\(columns): \(bounds)")
    }
  }

  @Test("a product too narrow to split is not deferred")
  func narrowIsNotDeferred() {
    let (k, d, m) = (200, 40, 1024)
    let x = Buffer<Float>(zeros: k * d), dout = Buffer<Float>(zeros: k * m), c = Buffer<Float>(zeros: d * m)
    let product = DeferredProduct.withForcedUse {
      DeferredProduct.offering(
        x.matrix(rows: k, cols: d), transposed: true, dout.matrix(rows: k, cols: m), transposed: false,
        into: c.mutableMatrix(rows: d, cols: m), keeping: [])
    }.result
    #expect(product == nil)
  }
}
