namespace Spool.Api.V1Alpha1;

/// <summary>The volume a job reads and the evidence for its owner node.</summary>
public sealed record ResolvedVolume
{
    /// <summary>Namespace of the claim.</summary>
    public string? Namespace { get; init; }

    /// <summary>The claim.</summary>
    public string? PersistentVolumeClaim { get; init; }

    /// <summary>The volume bound to the claim.</summary>
    public string? PersistentVolume { get; init; }

    /// <summary>Pod whose mount the agent reads.</summary>
    public string? Pod { get; init; }

    /// <summary>UID of that pod; the kubelet keeps its volumes under /var/lib/kubelet/pods/&lt;uid&gt;.</summary>
    public string? PodUid { get; init; }

    /// <summary>The node that owns the volume now.</summary>
    public string? Node { get; init; }

    /// <summary>RunningPod, VolumeAttachment, NodeAffinity, MounterPod or SnapshotClone.</summary>
    public string? Resolution { get; init; }

    /// <summary>Primary or Secondary, for replicated workloads.</summary>
    public string? ReplicaRole { get; init; }

    /// <summary>Why this replica was chosen.</summary>
    public string? ReplicaReason { get; init; }
}
