namespace Spool.Api.Core;

public sealed record PersistentVolumeStatus
{
    public string? Phase { get; init; }
}
