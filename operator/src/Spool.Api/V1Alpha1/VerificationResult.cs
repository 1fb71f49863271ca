namespace Spool.Api.V1Alpha1;

/// <summary>Volumes as namespace/claim.</summary>
public sealed record VerificationResult
{
    public IReadOnlyList<string> Expected { get; init; } = [];

    public IReadOnlyList<string> Captured { get; init; } = [];

    public IReadOnlyList<string> Missed { get; init; } = [];

    public IReadOnlyList<string> Recovered { get; init; } = [];

    public DateTimeOffset? Time { get; init; }
}
