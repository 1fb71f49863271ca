using Spool.Api;
using Spool.Operator.Decisions;

namespace Spool.Operator.Scheduling;

/// <summary>Conditions of a BackupSchedule: Ready and Stalled (kstatus), plus Suspended and the TooManyMissedRuns warning.</summary>
public static class ScheduleConditions
{
    public const string Ready = "Ready";
    public const string Stalled = "Stalled";
    public const string Suspended = "Suspended";
    public const string MissedRuns = "MissedRuns";

    public static IReadOnlyList<Condition> Build(IReadOnlyList<Condition>? current, long generation, DateTimeOffset now, IEnumerable<(string Type, bool Status, string Reason, string Message)> desired)
    {
        var result = new List<Condition>();
        foreach (var (type, status, reason, message) in desired)
        {
            var previous = JobConditions.Find(current, type);
            var value = status ? ConditionStatus.True : ConditionStatus.False;
            var since = previous is not null && previous.Status == value && previous.LastTransitionTime is { } t ? t : JobConditions.Truncate(now);
            result.Add(new Condition { Type = type, Status = value, Reason = reason, Message = message, ObservedGeneration = generation, LastTransitionTime = since });
        }

        return result;
    }
}
