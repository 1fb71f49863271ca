namespace Spool.Kube;

public sealed record WatchOptions
{
    /// <summary>Resume after this version; empty starts with synthetic ADDED events for the current state.</summary>
    public string? ResourceVersion { get; init; }

    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    public bool AllowWatchBookmarks { get; init; } = true;

    public int? TimeoutSeconds { get; init; }
}
