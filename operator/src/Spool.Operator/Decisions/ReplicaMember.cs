using Spool.Api.Core;

namespace Spool.Operator.Decisions;

/// <summary>One replica of a workload: its pod, the claim it mounts for the job's volume, and its role.</summary>
public sealed record ReplicaMember(Pod Pod, string Claim, bool Primary)
{
    public string Name => Pod.Metadata.Name ?? "";
}
