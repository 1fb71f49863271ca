namespace Spool.Api.V1Alpha1;

/// <summary>A backup named by its job, its id, or the latest good one of a claim before a time.</summary>
[Spool.Api.ValidationRule("has(self.backupJob) || has(self.backupId) || has(self.persistentVolumeClaim)", "one of backupJob, backupId or persistentVolumeClaim must be set")]
public sealed record RestoreSource
{
    /// <summary>A BackupJob in the restore's namespace.</summary>
    public string? BackupJob { get; init; }

    /// <summary>A backup id as listed on the drive's catalog.</summary>
    public string? BackupId { get; init; }

    /// <summary>The latest successful backup of this claim (before <see cref="Before"/>, if set).</summary>
    public string? PersistentVolumeClaim { get; init; }

    /// <summary>With persistentVolumeClaim: the latest backup that finished before this time.</summary>
    public DateTimeOffset? Before { get; init; }

    /// <summary>Federated backups: the workloads or claims to restore; all of them when empty.</summary>
    public IReadOnlyList<string>? Volumes { get; init; }
}
