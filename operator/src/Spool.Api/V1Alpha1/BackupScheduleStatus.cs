namespace Spool.Api.V1Alpha1;

/// <summary>Written by the operator: the schedule controller writes runs and conditions, the retention controller <see cref="Retention"/>.</summary>
public sealed record BackupScheduleStatus
{
    /// <summary>The metadata.generation the operator last acted on.</summary>
    public long? ObservedGeneration { get; init; }

    /// <summary>Ready (the schedule parses and runs), Suspended, and warnings such as TooManyMissedRuns, with observedGeneration.</summary>
    public IReadOnlyList<Condition>? Conditions { get; init; }

    /// <summary>The scheduled time of the last job created.</summary>
    public DateTimeOffset? LastScheduleTime { get; init; }

    /// <summary>Completion time of the last job that succeeded.</summary>
    public DateTimeOffset? LastSuccessfulTime { get; init; }

    /// <summary>When the next run is due; empty while suspended or when the expression never fires.</summary>
    public DateTimeOffset? NextScheduleTime { get; init; }

    /// <summary>Jobs of this schedule that have not finished.</summary>
    public IReadOnlyList<ObjectReference>? Active { get; init; }

    /// <summary>Number of entries in active, for the printer column.</summary>
    public int ActiveCount { get; init; }

    /// <summary>Runs created so far; the run number of the next job is runCount + 1.</summary>
    public long RunCount { get; init; }

    /// <summary>Run number of the last full backup created.</summary>
    public long? LastFullRun { get; init; }

    /// <summary>What retention keeps and has expired of this schedule's backups.</summary>
    public RetentionStatus? Retention { get; init; }
}
