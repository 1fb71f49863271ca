namespace Spool.Api.V1Alpha1;

/// <summary>One epoch of a job.</summary>
public sealed record Attempt
{
    /// <summary>The placement epoch of this attempt.</summary>
    public long Epoch { get; init; }

    /// <summary>Node the attempt ran on.</summary>
    public string? Node { get; init; }

    /// <summary>Drives held during the attempt.</summary>
    public IReadOnlyList<string>? Drives { get; init; }

    /// <summary>When the attempt was placed.</summary>
    public DateTimeOffset? StartTime { get; init; }

    /// <summary>When the attempt ended; empty while it runs.</summary>
    public DateTimeOffset? EndTime { get; init; }

    /// <summary>Why the epoch ended: NodeNotReady, NodeDeleted, AgentLeaseExpired, VolumeMoved, DriveFailed, AgentFailed, Completed.</summary>
    public string? Reason { get; init; }

    /// <summary>Checkpoint or Fresh: how this epoch started.</summary>
    public string? Restart { get; init; }

    /// <summary>Bytes done when the epoch ended.</summary>
    public long BytesDone { get; init; }

    /// <summary>Bytes this epoch sent again because they were past the last checkpoint of the previous one.</summary>
    public long BytesResent { get; init; }
}
