namespace Spool.Api.V1Alpha1;

/// <summary>Volumes as namespace/claim.</summary>
public sealed record VerificationResult
{
    /// <summary>Volumes the selector matches at the end of the run.</summary>
    public IReadOnlyList<string> Expected { get; init; } = [];

    /// <summary>Volumes backed up during the run.</summary>
    public IReadOnlyList<string> Captured { get; init; } = [];

    /// <summary>Expected volumes that were not captured, for example because their workload moved to a node already done.</summary>
    public IReadOnlyList<string> Missed { get; init; } = [];

    /// <summary>Missed volumes that the end-of-run pass backed up.</summary>
    public IReadOnlyList<string> Recovered { get; init; } = [];

    /// <summary>When the comparison was made.</summary>
    public DateTimeOffset? Time { get; init; }
}
