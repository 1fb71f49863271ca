namespace Spool.Operator.Decisions;

/// <summary>Where a workload of a federated restore runs now and where its restore goes.</summary>
public sealed record WorkloadPlace
{
    /// <summary>The restore's node; null lets the child pick any node that reaches the backup's drives for its mounter pod.</summary>
    public string? Node { get; init; }

    /// <summary>Running or NotRunning, as in <c>status.workloads[].workloadState</c>.</summary>
    public string State { get; init; } = FederatedRestoreDecider.StateNotRunning;

    /// <summary>Nodes where a pod of the workload (not a Spool mounter pod) runs, in name order.</summary>
    public IReadOnlyList<string> ActiveNodes { get; init; } = [];

    /// <summary>Why the workload cannot be restored in place: its claim does not exist.</summary>
    public string? Missing { get; init; }
}
