using Spool.Api.Core;
using Spool.Api.V1Alpha1;

namespace Spool.Operator.Decisions;

/// <summary>Everything a RestoreJob decision reads.</summary>
public sealed record RestoreJobObservation
{
    public required RestoreJob Job { get; init; }

    /// <summary>BackupJobs of the restore's namespace, to resolve <c>spec.source</c>.</summary>
    public IReadOnlyList<BackupJob> Backups { get; init; } = [];

    /// <summary>The target claim (existing, or the one <c>target.newClaim</c> names); null when it does not exist.</summary>
    public PersistentVolumeClaim? Claim { get; init; }

    public PersistentVolume? Volume { get; init; }

    public IReadOnlyList<Pod> Pods { get; init; } = [];

    public IReadOnlyList<VolumeAttachment> Attachments { get; init; } = [];

    public required ClusterSnapshot Cluster { get; init; }
}
