using Spool.Api.Core;
using Spool.Api.V1Alpha1;

namespace Spool.Operator.Decisions;

/// <summary>Everything a BackupJob decision reads.</summary>
public sealed record BackupJobObservation
{
    public required BackupJob Job { get; init; }

    /// <summary>The claim named by <c>spec.source.persistentVolumeClaim</c>; null when it does not exist.</summary>
    public PersistentVolumeClaim? Claim { get; init; }

    /// <summary>The PersistentVolume the claim is bound to.</summary>
    public PersistentVolume? Volume { get; init; }

    /// <summary>Pods of the job's namespace that mount the claim, the job's mounter pod included.</summary>
    public IReadOnlyList<Pod> Pods { get; init; } = [];

    public IReadOnlyList<VolumeAttachment> Attachments { get; init; } = [];

    /// <summary>Replica-aware jobs (<c>spec.source.replica</c>): every pod of the job's namespace, among which the replicas are found.</summary>
    public IReadOnlyList<Pod> NamespacePods { get; init; } = [];

    /// <summary>Replica-aware jobs: the claims the replicas mount, with their volumes and attachments.</summary>
    public IReadOnlyList<PersistentVolumeClaim> ReplicaClaims { get; init; } = [];

    public IReadOnlyList<PersistentVolume> ReplicaVolumes { get; init; } = [];

    public IReadOnlyList<VolumeAttachment> ReplicaAttachments { get; init; } = [];

    /// <summary>Running BackupJobs of this job's run (<see cref="JobRuns"/>) per node, not counting this job.</summary>
    public IReadOnlyDictionary<string, int> RunRunningPerNode { get; init; } = new Dictionary<string, int>();

    /// <summary>The run's <c>spec.maxConcurrentPerNode</c> when the job is a child of a federated run; null: the job's own.</summary>
    public int? RunMaxConcurrentPerNode { get; init; }

    /// <summary>The encryption Secret when the job names one; null when it does not exist or was not looked up.</summary>
    public Secret? EncryptionSecret { get; init; }

    /// <summary>CSISnapshot mode: the job's VolumeSnapshots, clone claims and helper pods (by their job labels).</summary>
    public IReadOnlyList<VolumeSnapshot> Snapshots { get; init; } = [];

    public IReadOnlyList<PersistentVolumeClaim> CloneClaims { get; init; } = [];

    public IReadOnlyList<Pod> HelperPods { get; init; } = [];

    public required ClusterSnapshot Cluster { get; init; }
}
