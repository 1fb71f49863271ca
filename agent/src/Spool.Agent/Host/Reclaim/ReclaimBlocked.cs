namespace Spool.Agent.Host.Reclaim;

/// <summary>An expiring backup whose space is not reclaimed now, and why.</summary>
public sealed record ReclaimBlocked(string BackupId, string Reason);
