using Spool.Api.Core;
using Spool.Api.V1Alpha1;

namespace Spool.Operator.Decisions;

/// <summary>What the CSISnapshot clone decision reads: the job, its source claim and the objects labelled for it.</summary>
public sealed record SnapshotCloneObservation
{
    public required BackupJob Job { get; init; }

    /// <summary>The claim named by <c>spec.source.persistentVolumeClaim</c>; null when it does not exist.</summary>
    public PersistentVolumeClaim? SourceClaim { get; init; }

    /// <summary>VolumeSnapshots of the job's namespace labelled <c>spool.dev/snapshot-for=&lt;job&gt;</c>.</summary>
    public IReadOnlyList<VolumeSnapshot> Snapshots { get; init; } = [];

    /// <summary>Claims of the job's namespace labelled <c>spool.dev/snapshot-clone=&lt;job&gt;</c>.</summary>
    public IReadOnlyList<PersistentVolumeClaim> CloneClaims { get; init; } = [];

    /// <summary>Pods of the job's namespace labelled <c>spool.dev/snapshot-clone=&lt;job&gt;</c>.</summary>
    public IReadOnlyList<Pod> HelperPods { get; init; } = [];

    public string HelperImage { get; init; } = "registry.k8s.io/pause:3.10";
}
