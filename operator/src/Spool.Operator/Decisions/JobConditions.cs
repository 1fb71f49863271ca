using Spool.Api;

namespace Spool.Operator.Decisions;

/// <summary>
/// kstatus-compatible conditions: Ready, Progressing and Stalled always; Succeeded and Failed once the job ends.
/// A condition whose status does not change keeps its lastTransitionTime.
/// </summary>
public static class JobConditions
{
    public const string Ready = "Ready";
    public const string Progressing = "Progressing";
    public const string Stalled = "Stalled";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";

    public static IReadOnlyList<Condition> Waiting(IReadOnlyList<Condition>? current, string reason, string message, bool stalled, long generation, DateTimeOffset now) =>
        Merge(current, generation, now,
        [
            Make(Ready, false, reason, message),
            Make(Progressing, !stalled, reason, message),
            Make(Stalled, stalled, reason, stalled ? message : "waiting, not stalled"),
        ]);

    public static IReadOnlyList<Condition> Running(IReadOnlyList<Condition>? current, string reason, string message, long generation, DateTimeOffset now) =>
        Merge(current, generation, now,
        [
            Make(Ready, true, "Running", message),
            Make(Progressing, true, reason, message),
            Make(Stalled, false, "Running", "running"),
        ]);

    public static IReadOnlyList<Condition> Finished(IReadOnlyList<Condition>? current, bool succeeded, string reason, string message, long generation, DateTimeOffset now) =>
        Merge(current, generation, now,
        [
            Make(Ready, succeeded, reason, message),
            Make(Progressing, false, reason, message),
            Make(Stalled, !succeeded, reason, message),
            Make(Succeeded, succeeded, reason, message),
            Make(Failed, !succeeded, reason, message),
        ]);

    public static Condition? Find(IReadOnlyList<Condition>? conditions, string type) =>
        conditions?.FirstOrDefault(c => c.Type == type);

    /// <summary>Same conditions with a new observedGeneration.</summary>
    public static IReadOnlyList<Condition>? Observe(IReadOnlyList<Condition>? conditions, long generation) =>
        conditions?.Select(c => c with { ObservedGeneration = generation }).ToList();

    private static Condition Make(string type, bool status, string reason, string message) => new()
    {
        Type = type,
        Status = status ? ConditionStatus.True : ConditionStatus.False,
        Reason = reason,
        Message = message,
    };

    private static List<Condition> Merge(IReadOnlyList<Condition>? current, long generation, DateTimeOffset now, Condition[] desired)
    {
        var result = new List<Condition>(desired.Length);
        foreach (var condition in desired)
        {
            var previous = Find(current, condition.Type);
            var since = previous is not null && previous.Status == condition.Status && previous.LastTransitionTime is { } t ? t : Truncate(now);
            result.Add(condition with { ObservedGeneration = generation, LastTransitionTime = since });
        }

        return result;
    }

    // metav1.Time has whole seconds on the wire; truncating here keeps a decision equal to its own round trip.
    public static DateTimeOffset Truncate(DateTimeOffset time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), time.Offset);
}
