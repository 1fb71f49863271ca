namespace Spool.Api.V1Alpha1;

/// <summary>The operation log of one drive: written before a multi-step operation, cleared after it.</summary>
public sealed record PendingDriveOperation
{
    /// <summary>Append, Expire, Relabel or Recover.</summary>
    public string Operation { get; init; } = "";

    public string? Job { get; init; }

    public long Epoch { get; init; }

    public string? Node { get; init; }

    public string? BackupId { get; init; }

    /// <summary>Segment the operation works on.</summary>
    public int? Segment { get; init; }

    public DateTimeOffset? StartTime { get; init; }
}
