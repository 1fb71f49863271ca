using System.Globalization;
using Spool.Api;
using Spool.Api.V1Alpha1;
using Spool.Operator.Decisions;

namespace Spool.Operator.Scheduling;

/// <summary>
/// Decides what one BackupSchedule does now, as the CronJob controller does: create the job of the latest missed fire
/// time (at most one, and only inside startingDeadlineSeconds), apply the concurrency policy, honour suspend, trim the
/// finished-job history, choose full or incremental from fullEvery, and requeue at the next fire time. Pure.
/// </summary>
public static class BackupScheduleDecider
{
    /// <summary>Past this many missed fire times the schedule warns (as CronJob's TooManyMissedTimes) and still runs the latest.</summary>
    public const int MissedRunLimit = 100;

    /// <summary>Requeue a little after the fire time so that the next reconcile sees it as due.</summary>
    public static readonly TimeSpan RequeueSlack = TimeSpan.FromMilliseconds(100);

    public static IReadOnlyList<OperatorAction> Decide(BackupScheduleObservation observation)
    {
        var schedule = observation.Schedule;
        var now = observation.Now;
        var ns = schedule.Metadata.Namespace ?? "";
        var name = schedule.Metadata.Name ?? "";
        var regarding = new ObjectReference { ApiVersion = SpoolGroup.ApiVersion, Kind = BackupSchedule.KindValue, Namespace = ns, Name = name, Uid = schedule.Metadata.Uid };
        var generation = schedule.Metadata.Generation ?? 1;
        var spec = schedule.Spec;
        var old = schedule.Status ?? new BackupScheduleStatus();
        var actions = new List<OperatorAction>();

        if (schedule.Metadata.DeletionTimestamp is not null)
        {
            return actions;
        }

        var jobs = observation.Jobs.Where(j => j.Metadata.DeletionTimestamp is null).ToList();
        var active = jobs.Where(j => !ScheduledJobs.IsFinished(j)).OrderBy(j => ScheduledJobs.ScheduledTimeOf(j) ?? j.Metadata.CreationTimestamp).ToList();

        // Run counters are derived from the jobs too, so that a status write lost after a create does not recount a run.
        var runCount = Math.Max(old.RunCount, observation.Jobs.Select(ScheduledJobs.RunOf).Max() ?? 0);
        var lastFullRun = Max(old.LastFullRun, observation.Jobs.Where(j => j.Spec.Mode == BackupMode.Full).Select(ScheduledJobs.RunOf).Max());
        var lastSuccess = Max(old.LastSuccessfulTime, jobs.Where(ScheduledJobs.IsSucceeded).Select(j => j.Status?.CompletionTime).Max());
        var lastSchedule = Max(old.LastScheduleTime, observation.Jobs.Select(ScheduledJobs.ScheduledTimeOf).Max());

        actions.AddRange(TrimHistory(spec, jobs, observation.CatalogedBackupIds, regarding));

        CronSchedule cron;
        try
        {
            cron = CronSchedule.Parse(spec.Schedule, spec.TimeZone);
        }
        catch (CronFormatException e)
        {
            var reason = e.InnerException is TimeZoneNotFoundException or InvalidTimeZoneException ? "UnknownTimeZone" : "InvalidSchedule";
            var invalid = old with
            {
                ObservedGeneration = generation,
                Active = Refs(active),
                ActiveCount = active.Count,
                RunCount = runCount,
                LastFullRun = lastFullRun,
                LastSuccessfulTime = lastSuccess,
                LastScheduleTime = lastSchedule,
                NextScheduleTime = null,
                Conditions = ScheduleConditions.Build(old.Conditions, generation, now,
                [
                    (ScheduleConditions.Ready, false, reason, e.Message),
                    (ScheduleConditions.Stalled, true, reason, e.Message),
                ]),
            };
            if (JobConditions.Find(old.Conditions, ScheduleConditions.Stalled) is not { Status: ConditionStatus.True } prior || prior.Reason != reason || prior.ObservedGeneration != generation)
            {
                actions.Add(new RecordEvent(regarding, RecordEvent.Warning, reason, e.Message));
            }

            AddStatus(actions, schedule, old, invalid);
            return actions;
        }

        var seconds = cron.Expression.HasSeconds;
        var conditions = new List<(string, bool, string, string)>();
        var status = old with
        {
            ObservedGeneration = generation,
            RunCount = runCount,
            LastFullRun = lastFullRun,
            LastSuccessfulTime = lastSuccess,
            LastScheduleTime = lastSchedule,
        };

        if (spec.Suspend)
        {
            conditions.Add((ScheduleConditions.Ready, true, "Suspended", "suspended: no new runs"));
            conditions.Add((ScheduleConditions.Stalled, false, "Suspended", "suspended"));
            conditions.Add((ScheduleConditions.Suspended, true, "Suspended", "spec.suspend is true"));
            status = status with { NextScheduleTime = null };
            AddStatus(actions, schedule, old, Finish(status, active, conditions, old, generation, now));
            return actions;
        }

        conditions.Add((ScheduleConditions.Suspended, false, "Active", "spec.suspend is false"));

        // CronJob semantics: look back from the last scheduled time (or creation), but no further than the deadline.
        var earliest = lastSchedule ?? schedule.Metadata.CreationTimestamp ?? now;
        if (spec.StartingDeadlineSeconds is { } deadline && now - TimeSpan.FromSeconds(deadline) > earliest)
        {
            earliest = now - TimeSpan.FromSeconds(deadline);
        }

        var missed = cron.Missed(earliest, now, MissedRunLimit);
        var next = cron.Next(now);
        status = status with { NextScheduleTime = next };
        if (missed.Count > MissedRunLimit)
        {
            var message = $"more than {MissedRunLimit} fire times missed since {earliest.ToString("O", CultureInfo.InvariantCulture)}; only the latest runs. Set startingDeadlineSeconds to bound the look-back";
            conditions.Add((ScheduleConditions.MissedRuns, true, "TooManyMissedRuns", message));
            actions.Add(new RecordEvent(regarding, RecordEvent.Warning, "TooManyMissedRuns", message));
        }
        else
        {
            conditions.Add((ScheduleConditions.MissedRuns, false, "OnTime", "no backlog of missed runs"));
        }

        if (missed.Latest is not { } due)
        {
            conditions.Add((ScheduleConditions.Ready, true, "Scheduled", NextMessage(next)));
            conditions.Add((ScheduleConditions.Stalled, false, "Scheduled", "waiting for the next fire time"));
            AddStatus(actions, schedule, old, Finish(status, active, conditions, old, generation, now));
            AddRequeue(actions, next, now);
            return actions;
        }

        if (spec.StartingDeadlineSeconds is { } d && due + TimeSpan.FromSeconds(d) < now)
        {
            actions.Add(new RecordEvent(regarding, RecordEvent.Warning, "MissedSchedule", $"missed the run of {Format(due)}: more than {d}s late"));
            conditions.Add((ScheduleConditions.Ready, true, "Scheduled", NextMessage(next)));
            conditions.Add((ScheduleConditions.Stalled, false, "Scheduled", "waiting for the next fire time"));
            AddStatus(actions, schedule, old, Finish(status, active, conditions, old, generation, now));
            AddRequeue(actions, next, now);
            return actions;
        }

        var jobName = ScheduledJobs.NameFor(name, due, seconds);
        if (observation.Jobs.Any(j => j.Metadata.Name == jobName))
        {
            // Already created (a status write after the create was lost); record it and wait for the next one.
            conditions.Add((ScheduleConditions.Ready, true, "Scheduled", NextMessage(next)));
            conditions.Add((ScheduleConditions.Stalled, false, "Scheduled", "waiting for the next fire time"));
            status = status with { LastScheduleTime = Max(status.LastScheduleTime, due) };
            AddStatus(actions, schedule, old, Finish(status, active, conditions, old, generation, now));
            AddRequeue(actions, next, now);
            return actions;
        }

        if (active.Count > 0 && spec.ConcurrencyPolicy == ConcurrencyPolicy.Forbid)
        {
            // The missed run stays due: it starts when the active job finishes, if still inside the deadline.
            var message = $"run of {Format(due)} waits: {active[0].Metadata.Name} is still active (concurrencyPolicy Forbid)";
            if (JobConditions.Find(old.Conditions, ScheduleConditions.Ready) is not { Reason: "JobAlreadyActive" })
            {
                actions.Add(new RecordEvent(regarding, RecordEvent.Normal, "JobAlreadyActive", message));
            }

            conditions.Add((ScheduleConditions.Ready, true, "JobAlreadyActive", message));
            conditions.Add((ScheduleConditions.Stalled, false, "JobAlreadyActive", message));
            AddStatus(actions, schedule, old, Finish(status, active, conditions, old, generation, now));
            AddRequeue(actions, next, now);
            return actions;
        }

        if (active.Count > 0 && spec.ConcurrencyPolicy == ConcurrencyPolicy.Replace)
        {
            foreach (var job in active)
            {
                actions.Add(new DeleteBackupJob(ns, job.Metadata.Name ?? "", job.Metadata.Uid, "Replace"));
                actions.Add(new RecordEvent(regarding, RecordEvent.Normal, "SuccessfulDelete", $"deleted active job {job.Metadata.Name} to replace it (concurrencyPolicy Replace)"));
            }

            active = [];
        }

        var run = runCount + 1;
        var full = spec.FullEvery <= 1 || lastFullRun is null || run - lastFullRun.Value >= spec.FullEvery || !observation.HasCompleteBackup;
        var mode = full ? BackupMode.Full : BackupMode.Incremental;
        var created = BuildJob(schedule, jobName, due, run, mode);
        actions.Add(new CreateBackupJob(created));
        actions.Add(new RecordEvent(regarding, RecordEvent.Normal, "SuccessfulCreate", $"created job {jobName}: run {run}, {mode.ToString().ToLowerInvariant()}, for {Format(due)}"));
        active = [.. active, created];
        status = status with
        {
            LastScheduleTime = due,
            RunCount = run,
            LastFullRun = full ? run : lastFullRun,
        };
        conditions.Add((ScheduleConditions.Ready, true, "Scheduled", NextMessage(next)));
        conditions.Add((ScheduleConditions.Stalled, false, "Scheduled", "running on schedule"));
        AddStatus(actions, schedule, old, Finish(status, active, conditions, old, generation, now));
        AddRequeue(actions, next, now);
        return actions;
    }

    private static IEnumerable<OperatorAction> TrimHistory(BackupScheduleSpec spec, List<BackupJob> jobs, IReadOnlySet<string> cataloged, ObjectReference regarding)
    {
        var succeeded = jobs.Where(ScheduledJobs.IsSucceeded).OrderByDescending(ScheduledJobs.FinishedAt).ThenByDescending(j => j.Metadata.Name, StringComparer.Ordinal).ToList();
        var failed = jobs.Where(j => j.Status?.Phase == BackupPhase.Failed).OrderByDescending(ScheduledJobs.FinishedAt).ThenByDescending(j => j.Metadata.Name, StringComparer.Ordinal).ToList();
        foreach (var (list, limit, kind) in new[] { (succeeded, spec.SuccessfulJobsHistoryLimit, "successful"), (failed, spec.FailedJobsHistoryLimit, "failed") })
        {
            foreach (var job in list.Skip(limit))
            {
                // The catalog learns about a backup from its job; until it has, the job is the only record.
                if (job.Status?.BackupId is { Length: > 0 } id && !cataloged.Contains(id))
                {
                    continue;
                }

                var name = job.Metadata.Name ?? "";
                yield return new DeleteBackupJob(job.Metadata.Namespace ?? regarding.Namespace ?? "", name, job.Metadata.Uid, "HistoryLimit");
                yield return new RecordEvent(regarding, RecordEvent.Normal, "SuccessfulDelete", $"deleted {kind} job {name} beyond the history limit of {limit}; its backup stays in the catalog");
            }
        }
    }

    private static BackupJob BuildJob(BackupSchedule schedule, string jobName, DateTimeOffset due, long run, BackupMode mode)
    {
        var template = schedule.Spec.JobTemplate;
        var labels = new Dictionary<string, string>(template.Metadata?.Labels ?? new Dictionary<string, string>())
        {
            [BackupScheduleLabels.Schedule] = schedule.Metadata.Name ?? "",
        };
        var annotations = new Dictionary<string, string>(template.Metadata?.Annotations ?? new Dictionary<string, string>())
        {
            [BackupScheduleLabels.Run] = run.ToString(CultureInfo.InvariantCulture),
            [BackupScheduleLabels.ScheduledTime] = Format(due),
        };
        return new BackupJob
        {
            Metadata = new ObjectMeta
            {
                Name = jobName,
                Namespace = schedule.Metadata.Namespace,
                Labels = labels,
                Annotations = annotations,
                OwnerReferences =
                [
                    new OwnerReference
                    {
                        ApiVersion = SpoolGroup.ApiVersion,
                        Kind = BackupSchedule.KindValue,
                        Name = schedule.Metadata.Name ?? "",
                        Uid = schedule.Metadata.Uid ?? "",
                        Controller = true,
                        BlockOwnerDeletion = true,
                    },
                ],
            },
            Spec = template.Spec with { Mode = mode },
        };
    }

    private static BackupScheduleStatus Finish(BackupScheduleStatus status, IReadOnlyList<BackupJob> active, List<(string, bool, string, string)> conditions, BackupScheduleStatus old, long generation, DateTimeOffset now) =>
        status with
        {
            Active = Refs(active),
            ActiveCount = active.Count,
            Conditions = ScheduleConditions.Build(old.Conditions, generation, now, conditions),
        };

    private static List<ObjectReference>? Refs(IReadOnlyList<BackupJob> active) =>
        active.Count == 0
            ? null
            : active.Select(j => new ObjectReference { ApiVersion = SpoolGroup.ApiVersion, Kind = BackupJob.KindValue, Namespace = j.Metadata.Namespace, Name = j.Metadata.Name, Uid = j.Metadata.Uid }).ToList();

    private static void AddStatus(List<OperatorAction> actions, BackupSchedule schedule, BackupScheduleStatus old, BackupScheduleStatus status)
    {
        if (!StatusJson.Same(schedule.Status, status) || schedule.Status is null)
        {
            actions.Add(new UpdateScheduleStatus(schedule.Metadata.Namespace ?? "", schedule.Metadata.Name ?? "", status, schedule.Metadata.ResourceVersion));
        }
    }

    private static void AddRequeue(List<OperatorAction> actions, DateTimeOffset? next, DateTimeOffset now)
    {
        if (next is { } n)
        {
            actions.Add(new RequeueAfter(n - now + RequeueSlack));
        }
    }

    private static string NextMessage(DateTimeOffset? next) => next is { } n ? $"next run at {Format(n)}" : "the expression never fires again";

    private static string Format(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static T? Max<T>(T? a, T? b)
        where T : struct, IComparable<T> =>
        a is { } x && b is { } y ? (x.CompareTo(y) >= 0 ? x : y) : a ?? b;
}
