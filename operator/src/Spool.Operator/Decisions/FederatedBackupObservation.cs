using Spool.Api.Core;
using Spool.Api.V1Alpha1;

namespace Spool.Operator.Decisions;

/// <summary>Everything a federated BackupJob decision reads: the parent, its children, and the claims and pods in scope.</summary>
public sealed record FederatedBackupObservation
{
    public required BackupJob Job { get; init; }

    /// <summary>The child BackupJobs of this run (annotated with the parent's uid), in any namespace.</summary>
    public IReadOnlyList<BackupJob> Children { get; init; } = [];

    /// <summary>Claims of the job's namespace, or of every namespace with allNamespaces.</summary>
    public IReadOnlyList<PersistentVolumeClaim> Claims { get; init; } = [];

    /// <summary>Pods of the same scope.</summary>
    public IReadOnlyList<Pod> Pods { get; init; } = [];

    public IReadOnlyList<PersistentVolume> Volumes { get; init; } = [];

    public IReadOnlyList<VolumeAttachment> Attachments { get; init; } = [];

    /// <summary>Per node, when it last failed (see <see cref="NodeFailureHistory"/>); nodes without a recent failure are absent.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> NodeFailures { get; init; } = new Dictionary<string, DateTimeOffset>();

    /// <summary>The encryption Secret when the job names one; null when it does not exist or was not looked up.</summary>
    public Secret? EncryptionSecret { get; init; }

    public required ClusterSnapshot Cluster { get; init; }
}
