using Spool.Api.V1Alpha1;

namespace Spool.Operator.Scheduling;

/// <summary>Everything the schedule decider looks at.</summary>
public sealed record BackupScheduleObservation
{
    public required BackupSchedule Schedule { get; init; }

    /// <summary>BackupJobs labelled spool.dev/schedule=&lt;name&gt; in the schedule's namespace and owned by it.</summary>
    public IReadOnlyList<BackupJob> Jobs { get; init; } = [];

    /// <summary>Backup ids the catalog has recorded: a finished job whose backup is not recorded yet is not deleted.</summary>
    public IReadOnlySet<string> CatalogedBackupIds { get; init; } = new HashSet<string>();

    /// <summary>True when the catalog holds a complete, restorable backup of the template's source to build an incremental on.</summary>
    public bool HasCompleteBackup { get; init; }

    public DateTimeOffset Now { get; init; }
}
