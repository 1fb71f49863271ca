namespace Spool.Api.V1Alpha1;

/// <summary>The operation log of one drive: written before a multi-step operation, cleared after it.</summary>
public sealed record PendingDriveOperation
{
    /// <summary>Append, Expire, Relabel or Recover.</summary>
    public string Operation { get; init; } = "";

    /// <summary>namespace/name of the job that started the operation.</summary>
    public string? Job { get; init; }

    /// <summary>Epoch of that job when the operation started.</summary>
    public long Epoch { get; init; }

    /// <summary>Node that runs the operation.</summary>
    public string? Node { get; init; }

    /// <summary>The backup the operation concerns.</summary>
    public string? BackupId { get; init; }

    /// <summary>Segment the operation works on.</summary>
    public int? Segment { get; init; }

    /// <summary>When the operation was recorded.</summary>
    public DateTimeOffset? StartTime { get; init; }
}
