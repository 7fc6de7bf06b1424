import Testing

@testable import TLBatch

/// Every case lands in exactly one shard, for batches smaller and larger than the shard count.
@Test(arguments: [0, 1, 2, 5, 7, 31], Array(1...12))
func shardsPartitionTheCases(caseCount: Int, shardCount: Int) {
  let cases = (0..<caseCount).map { "case_\($0)" }.sorted { BatchCase.byName($0, $1) }
  let slices = (0..<shardCount).map { Shard(index: $0, count: shardCount).slice(cases) }
  let all = slices.flatMap { $0 }
  #expect(all.count == caseCount)
  #expect(Set(all) == Set(cases))
  // Round-robin keeps sizes within one of each other, and each slice in the batch's order.
  let sizes = slices.map(\.count)
  #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1)
  for slice in slices { #expect(slice == slice.sorted { BatchCase.byName($0, $1) }) }
}

@Test func shardsAreDealtRoundRobin() {
  let cases = ["a", "b", "c", "d", "e", "f", "g"]
  #expect(Shard(index: 1, count: 3).slice(cases) == ["b", "e"])
  #expect(Shard(index: 0, count: 3).slice(cases) == ["a", "d", "g"])
  #expect(Shard(index: 5, count: 9).slice(cases) == ["f"])
  #expect(Shard(index: 8, count: 9).slice(cases).isEmpty)
}

@Test(arguments: [("0/1", 0, 1), ("3/4", 3, 4), ("0/1000", 0, 1000), ("999/1000", 999, 1000)])
func shardFlagParses(text: String, index: Int, count: Int) throws {
  #expect(try Shard.parse(text) == Shard(index: index, count: count))
}

@Test(arguments: [
  ("4/4", "0...3"), ("-1/4", "0...3"), ("1/0", "at least 1"), ("a/b", "expected I/N"),
  ("1", "expected I/N"), ("1/2/3", "expected I/N"), ("/2", "expected I/N"), ("", "expected I/N"),
])
func badShardFlagsAreRefused(text: String, says: String) {
  #expect {
    try Shard.parse(text)
  } throws: { error in
    "\(error)".contains(says) && "\(error)".contains("--shard \(text)")
  }
}

/// What the flag and the environment give: the shard and what set it.
@Test(
  arguments: [
    (nil, nil, [:], nil),
    ("2/5", nil, ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "3"], "2/5 --shard"),
    (nil, nil, ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "8"], "3/8 SLURM_ARRAY_TASK_ID"),
    (
      nil, nil, ["SLURM_ARRAY_TASK_ID": "12", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "10"],
      "2/4 SLURM_ARRAY_TASK_ID"
    ),
    (
      nil, nil,
      [
        "SLURM_ARRAY_TASK_ID": "6", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "0",
        "SLURM_ARRAY_TASK_STEP": "2",
      ], "3/4 SLURM_ARRAY_TASK_ID"
    ),
    (nil, 8, ["JOB_COMPLETION_INDEX": "7"], "7/8 JOB_COMPLETION_INDEX"),
    (nil, 1, ["JOB_COMPLETION_INDEX": "0"], "0/1 JOB_COMPLETION_INDEX"),
    (
      nil, nil,
      [
        "SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "5",
        "SLURM_ARRAY_TASK_MAX": "8", "SLURM_ARRAY_TASK_STEP": "1",
      ], "2/4 SLURM_ARRAY_TASK_ID"
    ),
    (
      nil, nil,
      [
        "SLURM_ARRAY_TASK_ID": "9", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "0",
        "SLURM_ARRAY_TASK_MAX": "9", "SLURM_ARRAY_TASK_STEP": "3",
      ], "3/4 SLURM_ARRAY_TASK_ID"
    ),
    (
      nil, nil,
      [
        "TL_RUN_SHARD": "3/4", "SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "1", "SLURM_ARRAY_TASK_MIN": "3",
        "SLURM_ARRAY_TASK_MAX": "3",
      ], "3/4 TL_RUN_SHARD"
    ),
    ("0/2", nil, ["TL_RUN_SHARD": "1/2"], "0/2 --shard"),
  ] as [(String?, Int?, [String: String], String?)])
func shardComesFromFlagThenSlurmThenKubernetes(
  flag: String?, count: Int?, environment: [String: String], expected: String?
) throws {
  let selection = try ShardSelection.resolve(flag: flag, shardCount: count, environment: environment)
  #expect(selection.map { "\($0.shard) \($0.source)" } == expected)
}

@Test(
  arguments: [
    (nil, nil, ["SLURM_ARRAY_TASK_ID": "3"], "SLURM_ARRAY_TASK_COUNT is not"),
    (
      nil, nil, ["SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_COUNT": "4"],
      "SLURM_ARRAY_TASK_ID=\"x\" is not an integer"
    ),
    (nil, nil, ["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4"], "0...3"),
    (nil, nil, ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "2"], "got -1"),
    (
      nil, nil, ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_STEP": "2"],
      "not evenly spaced"
    ),
    (nil, nil, ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "0"], "at least 1"),
    (nil, 4, ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "4"], "--shard-count is for a Kubernetes"),
    (nil, nil, ["JOB_COMPLETION_INDEX": "2"], "--shard-count is not"),
    (nil, 2, ["JOB_COMPLETION_INDEX": "2"], "0...1"),
    (nil, 4, ["JOB_COMPLETION_INDEX": ""], "JOB_COMPLETION_INDEX=\"\" is not an integer"),
    (nil, 4, [:], "needs JOB_COMPLETION_INDEX"),
    ("1/4", 4, [:], "--shard I/N already gives the count"),
    ("9/4", nil, [:], "--shard 9/4"),
    // --array=0,2,5: every task refuses, the one whose id would fit as much as the others.
    (
      nil, nil,
      [
        "SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "0",
        "SLURM_ARRAY_TASK_MAX": "5", "SLURM_ARRAY_TASK_STEP": "1",
      ], "not one range"
    ),
    (
      nil, nil,
      [
        "SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "0",
        "SLURM_ARRAY_TASK_MAX": "5", "SLURM_ARRAY_TASK_STEP": "1",
      ], "not one range"
    ),
    // sbatch --array=3 to rerun task 3: the count of the first submission is unknown.
    (
      nil, nil,
      [
        "SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "1", "SLURM_ARRAY_TASK_MIN": "3",
        "SLURM_ARRAY_TASK_MAX": "3", "SLURM_ARRAY_TASK_STEP": "1",
      ], "scontrol requeue JOBID_3"
    ),
    (nil, nil, ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "1"], "TL_RUN_SHARD=I/N"),
    (nil, nil, ["TL_RUN_SHARD": "4/4"], "TL_RUN_SHARD 4/4"),
    (nil, 4, ["TL_RUN_SHARD": "1/4"], "already gives the count"),
  ] as [(String?, Int?, [String: String], String)])
func badShardSettingsAreRefused(flag: String?, count: Int?, environment: [String: String], says: String) {
  #expect {
    try ShardSelection.resolve(flag: flag, shardCount: count, environment: environment)
  } throws: { error in
    "\(error)".contains(says)
  }
}

/// What chose a shard from the environment is said in full: the array job, its range, the job.
@Test func slurmShardSaysWhereItCameFrom() throws {
  let selection = try ShardSelection.resolve(
    flag: nil, shardCount: nil,
    environment: [
      "SLURM_ARRAY_TASK_ID": "6", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "0",
      "SLURM_ARRAY_TASK_MAX": "9", "SLURM_ARRAY_TASK_STEP": "3", "SLURM_ARRAY_JOB_ID": "123", "SLURM_JOB_ID": "125",
    ])
  #expect(
    selection?.detail
      == "shard 2/4 from SLURM_ARRAY_TASK_ID=6 of array job 123 (task ids 0-9:3, COUNT 4) in job 125")
  #expect(selection?.slurmArrayJob == "123" && selection?.fromEnvironment == true)
}
