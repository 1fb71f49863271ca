namespace Spool.Api.V1Alpha1;

/// <summary>Progress as the agent last reported it.</summary>
public sealed record JobProgress
{
    /// <summary>Placement epoch of the agent that reported the progress.</summary>
    public long Epoch { get; init; }

    /// <summary>Bytes streamed so far.</summary>
    public long BytesDone { get; init; }

    /// <summary>Bytes to stream, once known.</summary>
    public long? BytesTotal { get; init; }

    /// <summary>Files streamed so far.</summary>
    public long FilesDone { get; init; }

    /// <summary>Files to stream, once known.</summary>
    public long? FilesTotal { get; init; }

    /// <summary>Recent streaming rate.</summary>
    public double? BytesPerSecond { get; init; }

    /// <summary>Estimated seconds until the stream ends.</summary>
    public long? EtaSeconds { get; init; }

    /// <summary>Whole percent as text, for the printer column.</summary>
    public string? Percent { get; init; }

    /// <summary>Human-readable bytes done of total, for the printer column.</summary>
    public string? Size { get; init; }

    /// <summary>When the agent last reported.</summary>
    public DateTimeOffset? UpdateTime { get; init; }
}
