import Foundation
import TLTestSupport
import Testing

/// Zero-size dimensions (N, T, D, H, V, M, C, T_enc, T_dec = 0) through the command line, one
/// case per layer type, dimension and dtype, and per version-2 model (testdata/zero_size, written
/// by testdata/gen_zero_size.py from the book's classes). A case either computes NumPy's results
/// (exit 0, every array of the reference passing: empty arrays of NumPy's shape and dtype, a loss
/// of nan) or is refused with exit 2 and one line naming the pipeline and what is wrong, where
/// the book's code raises (and for the two refusals meta.json states). Never a signal or a hang:
/// TimeAttention with H = 0 and T_enc = 5000 once wrote T_enc values into a buffer of T_enc·0.
@Suite("zero-size dimensions never crash")
struct ZeroSizeCLITests {
  static let root = Fixtures.repositoryRoot.appendingPathComponent("testdata/zero_size")

  static let cases: [String] =
    ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).filter { !$0.hasPrefix(".") }
    .sorted()

  /// meta.json's `tl_run` ("computes" or "refuses"), `book` and `message` (the error's words).
  struct Meta: Decodable {
    var book: String
    var outcome: String
    var message: [String]?
    enum CodingKeys: String, CodingKey {
      case book, message
      case outcome = "tl_run"
    }
  }

  @Test func theTableCoversEveryLayerTypeAndModel() throws {
    #expect(Self.cases.count >= 150, "\(Self.cases.count) cases")
    let prefixes = [
      "embedding_", "affine_", "matmul_", "softmax_n0", "softmax_c0", "sigmoid_n0", "softmax_loss_",
      "sigmoid_loss_", "dropout_", "time_embedding_", "time_affine_", "time_dropout_", "time_softmax_loss_",
      "time_sigmoid_loss_", "rnn_", "lstm_", "gru_", "bilstm_", "attention_h0", "attention_t_enc0",
      "attention_t_dec0", "simple_rnnlm_", "rnnlm_", "better_rnnlm_", "seq2seq_", "peeky_seq2seq_",
      "attention_seq2seq_", "rnnlm_train_empty_batches", "seq2seq_generate_0",
    ]
    for prefix in prefixes {
      #expect(Self.cases.contains { $0.hasPrefix(prefix) && $0.hasSuffix("_f32") }, "\(prefix) f32")
      #expect(Self.cases.contains { $0.hasPrefix(prefix) && $0.hasSuffix("_f64") }, "\(prefix) f64")
    }
  }

  @Test(arguments: cases)
  func zeroSizeCase(_ name: String) throws {
    let meta = try JSONDecoder().decode(
      Meta.self, from: Data(contentsOf: Self.root.appendingPathComponent(name).appendingPathComponent("meta.json")))
    // Where the book's code raises, tl-run must refuse: no result NumPy could be compared with.
    #expect(meta.book == "computes" || meta.outcome == "refuses", "\(name): the book raises")
    let directory = try scratchCopy("testdata/zero_size/\(name)")
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    let pipeline = directory.appendingPathComponent("pipeline.json").path
    let result = try runTLRun([pipeline], in: directory, environment: nil, seconds: 60)
    #expect(!result.signaled && !result.timedOut, "\(name): signal \(result.status)\n\(result.stderr)")
    if meta.outcome == "computes" {
      #expect(result.status == 0, "\(name): \(result.stdout)\(result.stderr)")
      #expect(result.stdout.contains(" 0 failed"), "\(name): \(result.stdout)")
    } else {
      #expect(result.status == 2, "\(name): \(result.stdout)\(result.stderr)")
      let lines = result.stderr.split(separator: "\n")
      #expect(lines.count == 1, "\(name): \(result.stderr)")
      #expect(result.stderr.hasPrefix("tl-run: \(pipeline): "), "\(name): \(result.stderr)")
      for word in meta.message ?? [] {
        #expect(result.stderr.contains(word), "\(name): no \"\(word)\" in \(result.stderr)")
      }
    }
  }
}
