import TLArray
import TLGraph
import Testing

@Suite("Graph glue: references, slices and their backward")
struct GlueTests {
  @Test("references parse as NumPy writes them, and bad ones name their path")
  func parsing() throws {
    #expect(try ValueReference(parsing: "ts[:, :-1]", path: "p").time == .range(start: nil, end: -1))
    #expect(try ValueReference(parsing: "ts[:, 1:]", path: "p").time == .range(start: 1, end: nil))
    #expect(try ValueReference(parsing: "hs[:, -1]", path: "p").time == .step(-1))
    #expect(try ValueReference(parsing: "hs", path: "p").time == .all)
    #expect(throws: GraphError("graph[2].in", "bad value reference 'hs[0]': expected NAME, NAME[:, a:b] or NAME[:, i]"))
    {
      try ValueReference(parsing: "hs[0]", path: "graph[2].in")
    }
    #expect(throws: GraphError.self) { try ValueReference(parsing: "hs[:, ::2]", path: "p") }
  }

  @Test("a time slice and its scatter are inverse on the slice, zeros elsewhere")
  func sliceAndScatter() throws {
    let array = NDArray(shape: [2, 3, 2], scalars: (0..<12).map(Double.init))
    let last = try ValueReference(parsing: "v[:, -1]", path: "p")
    let part = try last.apply(array, path: "p")
    #expect(part.shape == [2, 2])
    #expect(part.scalars(as: Double.self) == [4, 5, 10, 11])
    let back = try last.scatter(part, into: array.shape, path: "p")
    #expect(back.scalars(as: Double.self) == [0, 0, 0, 0, 4, 5, 0, 0, 0, 0, 10, 11])
    let shifted = try ValueReference(parsing: "v[:, 1:]", path: "p").apply(array, path: "p")
    #expect(shifted.scalars(as: Double.self) == [2, 3, 4, 5, 8, 9, 10, 11])
    #expect(throws: GraphError.self) { try ValueReference(parsing: "v[:, 3:]", path: "p").apply(array, path: "p") }
  }

  @Test("concat in order, split back; repeat and its sum over T")
  func concatRepeat() {
    let a = NDArray(shape: [1, 2, 1], scalars: [1.0, 2.0])
    let b = NDArray(shape: [1, 2, 2], scalars: [3.0, 4.0, 5.0, 6.0])
    let joined = Glue.concatenate([a, b])
    #expect(joined.shape == [1, 2, 3])
    #expect(joined.scalars(as: Double.self) == [1, 3, 4, 2, 5, 6])
    let parts = Glue.split(joined, sizes: [1, 2])
    #expect(parts[0] == a && parts[1] == b)
    let h = NDArray(shape: [2, 2], scalars: [Float(1), 2, 3, 4])
    let hs = Glue.repeatOverTime(h, t: 3)
    #expect(hs.shape == [2, 3, 2])
    #expect(Glue.sumOverTime(hs).scalars(as: Float.self) == [3, 6, 9, 12])
  }
}
