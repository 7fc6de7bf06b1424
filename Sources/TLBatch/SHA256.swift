import CTLCrypto

/// SHA-256 through OpenSSL's libcrypto (`EVP_sha256`), for the identity of a batch run:
/// Foundation on Linux has no digest, and libcrypto is the system's well-kept one.
struct SHA256 {
  private var bytes: [UInt8] = []

  mutating func update<Bytes: Sequence>(_ more: Bytes) where Bytes.Element == UInt8 {
    bytes.append(contentsOf: more)
  }

  mutating func update(_ text: String) { update(text.utf8) }

  /// The digest of everything added, as 64 lowercase hex digits.
  func finish() -> String {
    var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var length: UInt32 = 0
    let ok = bytes.withUnsafeBytes { input in
      EVP_Digest(input.baseAddress, input.count, &digest, &length, EVP_sha256(), nil)
    }
    // EVP_Digest fails only when libcrypto cannot allocate its context.
    precondition(ok == 1, "libcrypto's SHA-256 failed")
    return digest.prefix(Int(length)).map { byte in
      let hex = String(byte, radix: 16)
      return byte < 16 ? "0" + hex : hex
    }.joined()
  }
}
