import Foundation
import TLArray
import TLTestSupport
import Testing

@testable import TLFormats

/// `.npz` archives NumPy wrote (stored, deflated, streamed) and ones we write.
@Suite struct NPZTests {
  @Test(arguments: Manifest.npz)
  func readsEveryMemberInOrder(_ expected: ExpectedArchive) throws {
    let path = Fixtures.path("npz/\(expected.file)")
    #expect(try NPZ.members(path: path) == expected.members.map { $0.name ?? "" })
    let all = try NPZ.readAll(path: path)
    #expect(all.map(\.name) == expected.members.map { $0.name ?? "" })
    for (member, (_, array)) in zip(expected.members, all) { member.check(array) }
    for member in expected.members {
      member.check(try NPZ.read(path: path, member: member.name ?? ""))
    }
    let each = try NPZ.readEach(path: path)
    #expect(each.map(\.key) == expected.members.map { $0.name ?? "" })
    for (member, (_, array)) in zip(expected.members, each) { member.check(try array.get()) }
  }

  /// A flipped byte in a deflated member garbles what it inflates to: the header then fails to
  /// parse, but the fault is the damage, and every reading names it (CRC-32 or a corrupt
  /// stream), not the garbled header (`inspect` said "not a Python literal", `convert` "CRC
  /// mismatch"). Offsets into the first member's compressed data.
  @Test(arguments: [2, 5, 8, 10, 11])
  func aDamagedMemberIsNamedAsDamaged(offset: Int) throws {
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("npz/deflated.npz"))))
    let nameLength = Int(bytes[26]) | Int(bytes[27]) << 8
    let extraLength = Int(bytes[28]) | Int(bytes[29]) << 8
    bytes[30 + nameLength + extraLength + offset] ^= 0xFF
    let directory = try Fixtures.temporaryDirectory("npz-damaged")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("flip.npz").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let alone = try #require(throws: FormatError.self) { try NPZ.read(path: path, member: "W") }
    #expect(alone.message.hasPrefix("CRC mismatch") || alone.message.hasPrefix("corrupt member"), "\(alone)")
    let each = try #require(try NPZ.readEach(path: path).first)
    #expect(throws: alone) { try each.array.get() }
  }

  /// readEach (what `tl-run inspect` lists an archive with, opening it once) gives each member
  /// what a read of that member alone gives: its array, or the same error (a damaged member).
  @Test(arguments: ["bad/crc.npz", "bad/member-not-npy.npz", "npz/deflated.npz"])
  func readEachGivesWhatEachReadGives(_ file: String) throws {
    let path = Fixtures.path(file)
    let each = try NPZ.readEach(path: path)
    #expect(each.map(\.key) == (try NPZ.members(path: path)))
    for (key, result) in each {
      switch result {
      case .success(let array): #expect(array == (try NPZ.read(path: path, member: key)), "\(key)")
      case .failure(let error):
        let alone = try #require(throws: FormatError.self) { try NPZ.read(path: path, member: key) }
        #expect((error as? FormatError) == alone, "\(key)")
      }
    }
  }

  /// The fixtures really use the zip features the reader must handle.
  @Test func fixturesCoverZipVariants() throws {
    let stored = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("npz/stored.npz")))
    let deflated = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("npz/deflated.npz")))
    let streamed = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("npz/streamed.npz")))
    let (s, d, t) = (
      ZipLayout.localHeaders(stored), ZipLayout.localHeaders(deflated),
      ZipLayout.localHeaders(streamed)
    )
    #expect(s.count == 6 && s.allSatisfy { $0.method == 0 && $0.zip64 })
    #expect(d.count == 6 && d.allSatisfy { $0.method == 8 && $0.zip64 })
    #expect(t.count >= 1 && t.allSatisfy { $0.method == 8 && $0.dataDescriptor })
  }

  @Test(arguments: [false, true])
  func writtenArchiveReadsBackInOrder(compressed: Bool) throws {
    let original = try NPZ.readAll(path: Fixtures.path("npz/stored.npz"))
    let directory = try Fixtures.temporaryDirectory("npz-write")
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("out.npz").path
    try NPZ.write(original, to: out, compressed: compressed)
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.npz"])

    let again = try NPZ.readAll(path: out)
    #expect(again.map(\.name) == original.map(\.name))
    for (a, b) in zip(again, original) { #expect(a.array == b.array, "\(a.name)") }

    let bytes = try Data(contentsOf: URL(fileURLWithPath: out))
    let headers = ZipLayout.localHeaders(bytes)
    #expect(headers.map(\.name) == original.map { $0.name + ".npy" })
    #expect(headers.count == 6)
    #expect(headers.allSatisfy { $0.method == (compressed ? 8 : 0) })
    #expect(ZipLayout.hasEndOfCentralDirectory(bytes))
  }

  @Test func missingMemberListsTheMembers() throws {
    let path = Fixtures.path("npz/stored.npz")
    let error = try #require(throws: FormatError.self) { try NPZ.read(path: path, member: "Wh") }
    #expect(error.member == "Wh")
    #expect(error.description.contains("stored.npz:Wh: no such member"))
    #expect(error.description.contains("W, b, idx, scalar, empty, Wx"))
  }

  @Test func memberMayBeNamedWithItsFileName() throws {
    let path = Fixtures.path("npz/stored.npz")
    #expect(try NPZ.read(path: path, member: "W.npy") == NPZ.read(path: path, member: "W"))
  }

  @Test func duplicateNamesAreRefused() throws {
    let a = NDArray(shape: [1], scalars: [Float(1)])
    let error = try #require(throws: FormatError.self) {
      try NPZ.write([("W", a), ("W", a)], to: "/nonexistent/x.npz", compressed: false)
    }
    #expect(error.description.contains("two arrays"))
  }
}

/// Just enough of the zip format to check what a writer put in an archive.
enum ZipLayout {
  struct LocalHeader {
    var name: String
    var method: UInt16
    var dataDescriptor: Bool
    var zip64: Bool
  }

  static func u16(_ d: [UInt8], _ at: Int) -> Int { Int(d[at]) | Int(d[at + 1]) << 8 }
  static func u32(_ d: [UInt8], _ at: Int) -> Int { u16(d, at) | u16(d, at + 2) << 16 }

  /// The local headers found by scanning for their signature from the start.
  static func localHeaders(_ data: Data) -> [LocalHeader] {
    let d = [UInt8](data)
    var out: [LocalHeader] = []
    var at = 0
    while at + 30 <= d.count && u32(d, at) == 0x0403_4B50 {
      let flags = u16(d, at + 6)
      let nameLength = u16(d, at + 26)
      let extraLength = u16(d, at + 28)
      let name = String(decoding: d[(at + 30)..<(at + 30 + nameLength)], as: UTF8.self)
      let sized = u32(d, at + 18) == 0xFFFF_FFFF
      out.append(
        LocalHeader(
          name: name, method: UInt16(u16(d, at + 8)), dataDescriptor: flags & 8 != 0, zip64: sized))
      guard flags & 8 == 0 else { return out }  // sizes follow the data; stop scanning
      var compressed = u32(d, at + 18)
      if sized { compressed = u32(d, at + 30 + nameLength + 12) }  // ZIP64 extra: usize, csize
      at += 30 + nameLength + extraLength + compressed
    }
    return out
  }

  static func hasEndOfCentralDirectory(_ data: Data) -> Bool {
    let d = [UInt8](data)
    return d.count >= 22 && u32(d, d.count - 22) == 0x0605_4B50
  }
}
