namespace Spool.Api.V1Alpha1;

/// <summary>Retention's view of one schedule's backups, written by the retention controller.</summary>
public sealed record RetentionStatus
{
    /// <summary>Complete backups kept.</summary>
    public int Retained { get; init; }

    /// <summary>Backups kept only because a kept incremental depends on them.</summary>
    public int RetainedForChains { get; init; }

    /// <summary>Backups expired and waiting for their drive space to be reclaimed.</summary>
    public int Expiring { get; init; }

    /// <summary>Backups expired and reclaimed so far.</summary>
    public long ExpiredTotal { get; init; }

    /// <summary>When retention last expired a backup of this schedule.</summary>
    public DateTimeOffset? LastExpiryTime { get; init; }
}
