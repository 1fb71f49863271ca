namespace Spool.Api;

/// <summary>A status condition in the metav1.Condition shape, which kstatus, Argo CD and Flux read.</summary>
public sealed record Condition
{
    public string Type { get; init; } = "";

    /// <summary>True, False or Unknown.</summary>
    public string Status { get; init; } = ConditionStatus.Unknown;

    public long? ObservedGeneration { get; init; }

    public DateTimeOffset? LastTransitionTime { get; init; }

    public string? Reason { get; init; }

    public string? Message { get; init; }
}
