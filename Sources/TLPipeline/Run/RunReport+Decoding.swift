import TLCompare
import TLDiagnosis

extension RunReport: Decodable {

  /// Reads the JSON ``RunReport`` writes, so batch reports can be read back and merged.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    name = try container.decode(String.self, forKey: .name)
    status = try container.decode(String.self, forKey: .status)
    message = try container.decodeIfPresent(String.self, forKey: .message)
    outputs = try container.decodeIfPresent(String.self, forKey: .outputs)
    written = try container.decodeIfPresent([String].self, forKey: .written) ?? []
    comparison = try container.decodeIfPresent(CollectionReport.self, forKey: .comparison)
    diagnosis = try container.decodeIfPresent([Diagnosis].self, forKey: .diagnosis)
    isolation = try container.decodeIfPresent([LayerVerdict].self, forKey: .isolation)
    firstWrong = try container.decodeIfPresent(FirstWrong.self, forKey: .firstWrong)
    notes = try container.decodeIfPresent([String].self, forKey: .notes)
  }
}
