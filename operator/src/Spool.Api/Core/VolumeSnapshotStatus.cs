namespace Spool.Api.Core;

public sealed record VolumeSnapshotStatus
{
    public bool? ReadyToUse { get; init; }

    public string? BoundVolumeSnapshotContentName { get; init; }

    public DateTimeOffset? CreationTime { get; init; }

    public string? RestoreSize { get; init; }

    public System.Text.Json.Nodes.JsonObject? Error { get; init; }
}
