namespace Spool.Api.V1Alpha1;

/// <summary>The volume a job reads and the evidence for its owner node.</summary>
public sealed record ResolvedVolume
{
    public string? Namespace { get; init; }

    public string? PersistentVolumeClaim { get; init; }

    public string? PersistentVolume { get; init; }

    /// <summary>Pod whose mount the agent reads.</summary>
    public string? Pod { get; init; }

    public string? PodUid { get; init; }

    public string? Node { get; init; }

    /// <summary>RunningPod, VolumeAttachment, NodeAffinity, MounterPod or SnapshotClone.</summary>
    public string? Resolution { get; init; }

    /// <summary>Primary or Secondary, for replicated workloads.</summary>
    public string? ReplicaRole { get; init; }

    /// <summary>Why this replica was chosen.</summary>
    public string? ReplicaReason { get; init; }
}
