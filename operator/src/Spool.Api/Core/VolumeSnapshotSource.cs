namespace Spool.Api.Core;

public sealed record VolumeSnapshotSource
{
    public string? PersistentVolumeClaimName { get; init; }

    public string? VolumeSnapshotContentName { get; init; }
}
