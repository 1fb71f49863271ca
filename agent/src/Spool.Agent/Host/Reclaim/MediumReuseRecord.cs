namespace Spool.Agent.Host.Reclaim;

/// <summary>
/// The agent-written <c>mediumReuse</c> key of a tape drive's catalog: which writer took the Reusable medium and
/// overwrote it from its start. While it is there, no other writer overwrites the medium.
/// </summary>
public sealed record MediumReuseRecord
{
    public string BackupId { get; init; } = "";

    /// <summary>namespace/name of the job.</summary>
    public string Job { get; init; } = "";

    public long Epoch { get; init; }

    public string Node { get; init; } = "";

    public DateTimeOffset Time { get; init; }
}
