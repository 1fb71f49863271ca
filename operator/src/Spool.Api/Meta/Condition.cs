using System.ComponentModel.DataAnnotations;

namespace Spool.Api;

/// <summary>A status condition in the metav1.Condition shape, which kstatus, Argo CD and Flux read.</summary>
public sealed record Condition
{
    /// <summary>Ready, Progressing, Succeeded, Failed or a waiting reason; the key of the conditions list.</summary>
    [Required]
    public string Type { get; init; } = "";

    /// <summary>True, False or Unknown.</summary>
    [Required]
    public string Status { get; init; } = ConditionStatus.Unknown;

    /// <summary>The metadata.generation the condition was set for; older than the object's generation means stale.</summary>
    public long? ObservedGeneration { get; init; }

    /// <summary>When the status last changed.</summary>
    public DateTimeOffset? LastTransitionTime { get; init; }

    /// <summary>Machine-readable CamelCase reason for the last transition.</summary>
    public string? Reason { get; init; }

    /// <summary>Human-readable details.</summary>
    public string? Message { get; init; }
}
