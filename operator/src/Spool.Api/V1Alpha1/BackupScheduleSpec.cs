using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Spool.Api.V1Alpha1;

/// <summary>Desired schedule.</summary>
public sealed record BackupScheduleSpec
{
    /// <summary>
    /// Cron expression: five fields (minute hour day-of-month month day-of-week) with ranges, steps, lists and the names
    /// JAN-DEC and SUN-SAT, or @yearly, @monthly, @weekly, @daily, @midnight or @hourly. A sixth, leading seconds field is
    /// accepted for tests and demos. When both day fields are restricted a day matching either runs, as in Vixie cron.
    /// </summary>
    [Required]
    [MinLength(1)]
    [MaxLength(256)]
    public string Schedule { get; init; } = "";

    /// <summary>
    /// IANA time zone the schedule is read in, for example Europe/London; UTC when empty. A wall-clock time skipped by a
    /// daylight saving change runs once right after the change; a repeated one runs once, at its first occurrence.
    /// </summary>
    [MaxLength(128)]
    public string? TimeZone { get; init; }

    /// <summary>The BackupJob each run creates. Its mode is set per run from fullEvery.</summary>
    [Required]
    public BackupJobTemplate JobTemplate { get; init; } = new();

    /// <summary>
    /// What a due run does while an earlier job of this schedule is unfinished: Forbid skips it, Replace deletes the
    /// unfinished job first, Allow runs both. Forbid is the default because jobs compete for the same drives.
    /// </summary>
    [DefaultValue(ConcurrencyPolicy.Forbid)]
    public ConcurrencyPolicy ConcurrencyPolicy { get; init; } = ConcurrencyPolicy.Forbid;

    /// <summary>
    /// A run missed (operator down, schedule suspended, Forbid) is still started if no more than this many seconds late.
    /// After an outage at most one missed run starts, the latest. Unset: any lateness is accepted.
    /// </summary>
    [Range(0, long.MaxValue)]
    public long? StartingDeadlineSeconds { get; init; }

    /// <summary>No new runs while true; running jobs continue. Retention keeps working.</summary>
    public bool Suspend { get; init; }

    /// <summary>Finished successful BackupJobs to keep. Deleting a BackupJob never deletes its backup; retention does that.</summary>
    [Range(0, 1000)]
    [DefaultValue(3)]
    public int SuccessfulJobsHistoryLimit { get; init; } = 3;

    /// <summary>Failed BackupJobs to keep.</summary>
    [Range(0, 1000)]
    [DefaultValue(1)]
    public int FailedJobsHistoryLimit { get; init; } = 1;

    /// <summary>
    /// Every Nth run is a full backup and the runs between are incremental against the last good backup of the same
    /// source; 1 makes every run full. A run is full anyway when the source has no complete backup to build on.
    /// </summary>
    [Range(1, 10000)]
    [DefaultValue(1)]
    public int FullEvery { get; init; } = 1;

    /// <summary>Which of this schedule's backups to keep; all of them when empty.</summary>
    public RetentionPolicy? Retention { get; init; }
}
