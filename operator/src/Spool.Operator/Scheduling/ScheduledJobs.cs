using System.Globalization;
using Spool.Api.V1Alpha1;

namespace Spool.Operator.Scheduling;

/// <summary>Names and facts of the jobs a schedule creates.</summary>
public static class ScheduledJobs
{
    /// <summary>
    /// <c>&lt;schedule&gt;-&lt;unix minutes&gt;</c> (as CronJob names its jobs), or unix seconds for a six-field schedule;
    /// the same fire time always gives the same name, so a retried create is idempotent.
    /// </summary>
    public static string NameFor(string schedule, DateTimeOffset scheduledTime, bool seconds)
    {
        var unix = scheduledTime.ToUnixTimeSeconds();
        var suffix = (seconds ? unix : unix / 60).ToString(CultureInfo.InvariantCulture);
        var prefix = schedule.Length + 1 + suffix.Length > 253 ? schedule[..(252 - suffix.Length)] : schedule;
        return $"{prefix}-{suffix}";
    }

    public static bool IsFinished(BackupJob job) =>
        job.Status?.Phase is BackupPhase.Succeeded or BackupPhase.PartiallySucceeded or BackupPhase.Failed;

    public static bool IsSucceeded(BackupJob job) =>
        job.Status?.Phase is BackupPhase.Succeeded or BackupPhase.PartiallySucceeded;

    public static long? RunOf(BackupJob job) =>
        job.Metadata.Annotations?.GetValueOrDefault(BackupScheduleLabels.Run) is { } text
        && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var run) ? run : null;

    public static DateTimeOffset? ScheduledTimeOf(BackupJob job) =>
        job.Metadata.Annotations?.GetValueOrDefault(BackupScheduleLabels.ScheduledTime) is { } text
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    /// <summary>When a finished job finished, for history ordering.</summary>
    public static DateTimeOffset FinishedAt(BackupJob job) =>
        job.Status?.CompletionTime ?? ScheduledTimeOf(job) ?? job.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue;
}
