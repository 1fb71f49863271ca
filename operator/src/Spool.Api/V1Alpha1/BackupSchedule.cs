namespace Spool.Api.V1Alpha1;

/// <summary>
/// Creates BackupJobs on a cron schedule, full every Nth run and incremental between, and expires the backups it
/// made according to its retention policy without ever breaking an incremental chain.
/// </summary>
[KubernetesEntity(SpoolGroup.Name, SpoolGroup.Version, "BackupSchedule", "backupschedules", ShortNames = ["bs"], Categories = [SpoolGroup.Category])]
[PrinterColumn("Schedule", "string", ".spec.schedule", Order = 0)]
[PrinterColumn("Suspend", "boolean", ".spec.suspend", Priority = 1, Order = 1)]
[PrinterColumn("Last", "date", ".status.lastScheduleTime", Description = "When the last job was created", Order = 2)]
[PrinterColumn("Next", "string", ".status.nextScheduleTime", Description = "When the next job is due (RFC 3339)", Order = 3)]
[PrinterColumn("Active", "integer", ".status.activeCount", Description = "Jobs of this schedule that have not finished", Order = 4)]
[PrinterColumn("Runs", "integer", ".status.runCount", Priority = 1, Order = 5)]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp", Order = 6)]
public sealed record BackupSchedule : IHasStatus<BackupScheduleStatus>
{
    public const string KindValue = "BackupSchedule";

    /// <summary>spool.dev/v1alpha1.</summary>
    public string? ApiVersion { get; init; } = SpoolGroup.ApiVersion;

    /// <summary>BackupSchedule.</summary>
    public string? Kind { get; init; } = KindValue;

    /// <summary>Standard object metadata.</summary>
    public ObjectMeta Metadata { get; init; } = new();

    /// <summary>When to back up, what, how often in full, and how long to keep it.</summary>
    [System.ComponentModel.DataAnnotations.Required]
    public BackupScheduleSpec Spec { get; init; } = new();

    /// <summary>Observed state, written by the operator.</summary>
    public BackupScheduleStatus? Status { get; init; }
}
