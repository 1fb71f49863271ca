namespace Spool.Api.Core;

public sealed record PersistentVolumeClaimStatus
{
    public string? Phase { get; init; }

    public IReadOnlyList<string>? AccessModes { get; init; }

    public IReadOnlyDictionary<string, string>? Capacity { get; init; }
}
