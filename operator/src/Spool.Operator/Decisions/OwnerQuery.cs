using Spool.Api.Core;

namespace Spool.Operator.Decisions;

/// <summary>A claim and what the cluster says about where it is mounted.</summary>
public sealed record OwnerQuery
{
    public string Namespace { get; init; } = "";

    public string ClaimName { get; init; } = "";

    public PersistentVolumeClaim? Claim { get; init; }

    public PersistentVolume? Volume { get; init; }

    /// <summary>Pods of the namespace; only those that mount the claim count.</summary>
    public IReadOnlyList<Pod> Pods { get; init; } = [];

    public IReadOnlyList<VolumeAttachment> Attachments { get; init; } = [];

    /// <summary>The node the job already uses: with several equally good owners (RWX) it is kept, so that load changes do not move a job.</summary>
    public string? PreferredNode { get; init; }

    /// <summary>Name of the job's own mounter pod, whose mount counts as resolution MounterPod.</summary>
    public string? MounterPod { get; init; }
}
