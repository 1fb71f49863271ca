namespace Spool.Operator.Retention;

/// <summary>Keep or expire one backup, and why.</summary>
public sealed record RetentionVerdict(string BackupId, bool Keep, string Reason, string Message);
