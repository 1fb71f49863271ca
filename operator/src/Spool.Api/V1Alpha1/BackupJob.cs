namespace Spool.Api.V1Alpha1;

/// <summary>
/// A backup of one persistent volume, or of every volume a selector matches, to shared backup drives.
/// The operator places it on the node that owns the volume and moves it on failure; the agent resumes
/// from the last acknowledged checkpoint.
/// </summary>
[KubernetesEntity(SpoolGroup.Name, SpoolGroup.Version, "BackupJob", "backupjobs", ShortNames = ["bj"], Categories = [SpoolGroup.Category])]
[PrinterColumn("Phase", "string", ".status.phase", Order = 0)]
[PrinterColumn("Node", "string", ".status.node", Order = 1)]
[PrinterColumn("Drive", "string", ".status.driveSummary", Order = 2)]
[PrinterColumn("Progress", "string", ".status.progress.percent", Description = "Percent of bytes done", Order = 3)]
[PrinterColumn("Size", "string", ".status.progress.size", Description = "Bytes done of the total, human readable; for a federated run, volumes finished of the total", Order = 4)]
[PrinterColumn("Epoch", "integer", ".status.epoch", Priority = 1, Order = 5)]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp", Order = 6)]
public sealed record BackupJob : IHasStatus<BackupJobStatus>
{
    public const string KindValue = "BackupJob";

    public string? ApiVersion { get; init; } = SpoolGroup.ApiVersion;

    public string? Kind { get; init; } = KindValue;

    public ObjectMeta Metadata { get; init; } = new();

    /// <summary>What to back up, where to, and how.</summary>
    [System.ComponentModel.DataAnnotations.Required]
    public BackupJobSpec Spec { get; init; } = new();

    /// <summary>Observed state. The operator writes placement, claims, phase and conditions; the agent writes progress, checkpoints and its report.</summary>
    public BackupJobStatus? Status { get; init; }
}
