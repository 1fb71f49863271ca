namespace Spool.Api.V1Alpha1;

/// <summary>
/// A checkpoint the agent made durable on the drive before reporting it. <see cref="Data"/> is the data
/// path's own checkpoint document, opaque to the operator and a few KiB at most.
/// </summary>
public sealed record CheckpointRecord
{
    /// <summary>Epoch of the writer; the operator discards a record of an older epoch.</summary>
    public long Epoch { get; init; }

    public string? Node { get; init; }

    /// <summary>Increases with every checkpoint of a backup, across epochs.</summary>
    public long Sequence { get; init; }

    public long BytesDone { get; init; }

    public long FilesDone { get; init; }

    /// <summary>Data path checkpoint, JSON.</summary>
    public string? Data { get; init; }

    /// <summary>SHA-256 of <see cref="Data"/>, so that a truncated or altered record is not resumed from.</summary>
    public string? Digest { get; init; }

    public DateTimeOffset? Time { get; init; }
}
