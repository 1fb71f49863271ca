using Spool.Api.V1Alpha1;

namespace Spool.Agent.Host.Jobs;

/// <summary>The fields of a BackupJob or RestoreJob that decide whether this agent may act on it.</summary>
public sealed record JobSnapshot(
    JobKind Kind,
    string Namespace,
    string Name,
    string? Uid,
    string? ResourceVersion,
    bool Deleting,
    string? Phase,
    long Epoch,
    string? Node,
    IReadOnlyList<HeldDrive> Drives,
    AgentReport? Report)
{
    public const string RunningPhase = "Running";

    /// <summary>namespace/name, as in <see cref="DriveHolder.Job"/>.</summary>
    public string Key => $"{Namespace}/{Name}";

    public string KindName => Kind == JobKind.Backup ? BackupJob.KindValue : RestoreJob.KindValue;

    /// <summary>Drives the current epoch writes or reads; failed and released members are no longer held.</summary>
    public IEnumerable<HeldDrive> ActiveDrives => Drives.Where(d => string.Equals(d.State, "Active", StringComparison.Ordinal));

    public bool HasReportFor(long epoch) => Report is not null && Report.Epoch == epoch;

    public static JobSnapshot Of(BackupJob job) => new(
        JobKind.Backup,
        job.Metadata.Namespace ?? "",
        job.Metadata.Name ?? "",
        job.Metadata.Uid,
        job.Metadata.ResourceVersion,
        job.Metadata.DeletionTimestamp is not null,
        job.Status?.Phase?.ToString(),
        job.Status?.Epoch ?? 0,
        job.Status?.Node,
        job.Status?.Drives ?? [],
        job.Status?.Report);

    public static JobSnapshot Of(RestoreJob job) => new(
        JobKind.Restore,
        job.Metadata.Namespace ?? "",
        job.Metadata.Name ?? "",
        job.Metadata.Uid,
        job.Metadata.ResourceVersion,
        job.Metadata.DeletionTimestamp is not null,
        job.Status?.Phase?.ToString(),
        job.Status?.Epoch ?? 0,
        job.Status?.Node,
        job.Status?.Drives ?? [],
        job.Status?.Report);
}
