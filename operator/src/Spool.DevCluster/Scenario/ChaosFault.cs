using Spool.DevCluster.Faults;

namespace Spool.DevCluster.Scenario;

/// <summary>One fault of the soak, what the job was doing then, and how long until it streamed again.</summary>
public sealed record ChaosFault(int Number, FaultRecord Fault, long EpochBefore, string? NodeBefore, long BytesBefore, TimeSpan? TimeToResume, long EpochAfter, string? NodeAfter);
