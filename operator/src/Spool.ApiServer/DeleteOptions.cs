namespace Spool.ApiServer;

/// <summary>The parts of metav1.DeleteOptions the embedded server honours.</summary>
public sealed record DeleteOptions
{
    public static DeleteOptions Default { get; } = new();

    public string? PreconditionUid { get; init; }

    public string? PreconditionResourceVersion { get; init; }

    /// <summary>Background (default), Foreground (treated as Background) or Orphan.</summary>
    public string PropagationPolicy { get; init; } = "Background";

    public long? GracePeriodSeconds { get; init; }

    public bool DryRun { get; init; }
}
