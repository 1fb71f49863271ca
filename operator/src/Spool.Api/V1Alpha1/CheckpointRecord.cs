namespace Spool.Api.V1Alpha1;

/// <summary>
/// A checkpoint the agent made durable on the drive before reporting it. <see cref="Data"/> is the data
/// path's own checkpoint document, opaque to the operator and a few KiB at most.
/// </summary>
public sealed record CheckpointRecord
{
    /// <summary>Epoch of the writer; the operator discards a record of an older epoch.</summary>
    public long Epoch { get; init; }

    /// <summary>Node of the agent that wrote the checkpoint.</summary>
    public string? Node { get; init; }

    /// <summary>Increases with every checkpoint of a backup, across epochs.</summary>
    public long Sequence { get; init; }

    /// <summary>Bytes of the source durable on the medium at this checkpoint.</summary>
    public long BytesDone { get; init; }

    /// <summary>Files completely durable on the medium at this checkpoint.</summary>
    public long FilesDone { get; init; }

    /// <summary>
    /// Mirror or Parity: the stripe the next block goes to, the same on every member. Stripes are counted over the
    /// backup's block sequence: stripe s holds blocks s·k to s·k+k-1 for k data drives (one block per stripe for a mirror).
    /// </summary>
    public long? Stripe { get; init; }

    /// <summary>Data path checkpoint, JSON.</summary>
    public string? Data { get; init; }

    /// <summary>SHA-256 of <see cref="Data"/>, so that a truncated or altered record is not resumed from.</summary>
    public string? Digest { get; init; }

    /// <summary>When the checkpoint was made durable.</summary>
    public DateTimeOffset? Time { get; init; }
}
