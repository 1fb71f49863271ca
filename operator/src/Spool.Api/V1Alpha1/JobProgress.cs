namespace Spool.Api.V1Alpha1;

/// <summary>Progress as the agent last reported it.</summary>
public sealed record JobProgress
{
    public long Epoch { get; init; }

    public long BytesDone { get; init; }

    public long? BytesTotal { get; init; }

    public long FilesDone { get; init; }

    public long? FilesTotal { get; init; }

    public double? BytesPerSecond { get; init; }

    public long? EtaSeconds { get; init; }

    /// <summary>Whole percent as text, for the printer column.</summary>
    public string? Percent { get; init; }

    /// <summary>Human-readable bytes done of total, for the printer column.</summary>
    public string? Size { get; init; }

    public DateTimeOffset? UpdateTime { get; init; }
}
