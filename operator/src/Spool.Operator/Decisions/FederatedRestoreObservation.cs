using Spool.Api.Core;
using Spool.Api.V1Alpha1;

namespace Spool.Operator.Decisions;

/// <summary>Everything a federated RestoreJob decision reads: the restore, the run it restores, the children of both, and the claims and pods of the run's namespaces.</summary>
public sealed record FederatedRestoreObservation
{
    public required RestoreJob Job { get; init; }

    /// <summary>The federated BackupJob that <c>spec.source.backupJob</c> names; null when it does not exist.</summary>
    public BackupJob? Run { get; init; }

    /// <summary>The run's child BackupJobs, whose backups the child restores read.</summary>
    public IReadOnlyList<BackupJob> RunChildren { get; init; } = [];

    /// <summary>The child RestoreJobs of this restore (annotated with its uid), in any namespace.</summary>
    public IReadOnlyList<RestoreJob> Children { get; init; } = [];

    /// <summary>Claims of the namespaces the run's volumes are in.</summary>
    public IReadOnlyList<PersistentVolumeClaim> Claims { get; init; } = [];

    /// <summary>Pods of the same namespaces, Spool's mounter pods included.</summary>
    public IReadOnlyList<Pod> Pods { get; init; } = [];

    public IReadOnlyList<PersistentVolume> Volumes { get; init; } = [];

    public IReadOnlyList<VolumeAttachment> Attachments { get; init; } = [];

    public required ClusterSnapshot Cluster { get; init; }
}
