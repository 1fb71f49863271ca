namespace Spool.Operator.Digest;

/// <summary>One workload's volume in the digest: where it runs now, in what state, and its last good backup.</summary>
public sealed record DigestRow
{
    public string Namespace { get; init; } = "";

    public string Claim { get; init; } = "";

    /// <summary>The pod's controller (a StatefulSet, a ReplicaSet...), or the pod; empty when no pod mounts the claim.</summary>
    public string? Workload { get; init; }

    /// <summary>Nodes where a pod of the workload runs now, in name order; empty when it runs nowhere.</summary>
    public IReadOnlyList<string> Nodes { get; init; } = [];

    /// <summary>Running, NotRunning or Missing (the claim does not exist), as in a federated restore's <c>status.workloads[].workloadState</c>.</summary>
    public string State { get; init; } = "";

    /// <summary>When the last successful backup of the claim finished; null when none did.</summary>
    public DateTimeOffset? LastBackupTime { get; init; }

    /// <summary>The BackupJob that made that backup.</summary>
    public string? LastBackupJob { get; init; }

    /// <summary>The federated run (namespace/name) that backup belongs to, if any.</summary>
    public string? Run { get; init; }
}
