namespace Spool.Kube;

public sealed record DeleteOptions
{
    /// <summary>Background, Foreground or Orphan.</summary>
    public string? PropagationPolicy { get; init; }

    public long? GracePeriodSeconds { get; init; }

    public string? PreconditionUid { get; init; }

    public string? PreconditionResourceVersion { get; init; }
}
