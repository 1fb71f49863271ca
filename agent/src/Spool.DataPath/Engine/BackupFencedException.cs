namespace Spool.DataPath;

/// <summary>The ownership check failed: a newer epoch owns the backup, so this writer must stop writing.</summary>
public sealed class BackupFencedException(Guid backupId, long epoch)
    : Exception($"backup {backupId} is no longer owned by epoch {epoch}")
{
    public Guid BackupId { get; } = backupId;

    public long Epoch { get; } = epoch;
}
