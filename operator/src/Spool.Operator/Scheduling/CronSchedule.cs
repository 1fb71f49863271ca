namespace Spool.Operator.Scheduling;

/// <summary>
/// A cron expression read in a time zone. Fire times are instants; the expression names wall-clock times.
/// Daylight saving time, as ISC/Vixie cron handles it and unlike Kubernetes CronJob (robfig/cron, which skips
/// the times a spring-forward jumps over and runs the repeated hour twice, kubernetes/kubernetes#121594):
/// <list type="bullet">
/// <item>a wall-clock time that does not exist (spring forward) fires once, at the first instant after the gap;
/// several such times in one gap fire once together;</item>
/// <item>a wall-clock time that happens twice (fall back) fires once, at its first occurrence.</item>
/// </list>
/// A backup that is skipped or doubled twice a year is a bug report; these rules make every named wall-clock time
/// produce exactly one run.
/// </summary>
public sealed class CronSchedule
{
    public CronSchedule(CronExpression expression, TimeZoneInfo zone)
    {
        Expression = expression;
        Zone = zone;
    }

    public CronExpression Expression { get; }

    public TimeZoneInfo Zone { get; }

    public static CronSchedule Parse(string expression, string? timeZone) =>
        new(CronExpression.Parse(expression), ScheduleTimeZones.Find(timeZone));

    /// <summary>The first fire time strictly after <paramref name="from"/>; null when the expression never matches.</summary>
    public DateTimeOffset? Next(DateTimeOffset from)
    {
        var local = TimeZoneInfo.ConvertTime(from, Zone).DateTime;
        var candidate = local;
        while (true)
        {
            var next = Expression.NextLocal(candidate);
            if (next is not { } wall)
            {
                return null;
            }

            var instant = ToInstant(wall);
            if (instant > from)
            {
                return instant;
            }

            // The wall-clock time already happened: its first occurrence precedes `from` (we are in the repeated
            // hour), or it lies in a gap whose end is `from` itself.
            candidate = wall;
        }
    }

    /// <summary>
    /// The fire times in (<paramref name="after"/>, <paramref name="until"/>]: the latest of them and how many there
    /// are, counting no further than <paramref name="countLimit"/> + 1 so that a long outage stays cheap.
    /// </summary>
    public MissedRuns Missed(DateTimeOffset after, DateTimeOffset until, int countLimit = 100)
    {
        if (until <= after)
        {
            return new MissedRuns(null, 0);
        }

        var count = 0;
        var cursor = after;
        DateTimeOffset? latest = null;
        while (count <= countLimit)
        {
            var next = Next(cursor);
            if (next is not { } n || n > until)
            {
                return new MissedRuns(latest, count);
            }

            latest = n;
            count++;
            cursor = n;
        }

        // More than the limit: find the latest fire time at or before `until` by bisection on Next, which is monotone.
        var low = cursor;
        var high = until;
        while (high - low > TimeSpan.FromSeconds(1))
        {
            var mid = low + ((high - low) / 2);
            if (Next(mid) is { } m && m <= until)
            {
                low = m;
            }
            else
            {
                high = mid;
            }
        }

        var last = Next(low) is { } l && l <= until ? l : low;
        return new MissedRuns(last, count);
    }

    /// <summary>The instant a wall-clock time fires: its first occurrence, or the end of the gap it falls in.</summary>
    public DateTimeOffset ToInstant(DateTime wall)
    {
        wall = DateTime.SpecifyKind(wall, DateTimeKind.Unspecified);
        if (Zone.IsInvalidTime(wall))
        {
            // Walk to the first wall-clock time after the gap; transitions fall on whole minutes in every zone in use.
            var probe = new DateTime(wall.Ticks - (wall.Ticks % TimeSpan.TicksPerMinute), DateTimeKind.Unspecified);
            for (var i = 0; i < 48 * 60 && Zone.IsInvalidTime(probe); i++)
            {
                probe = probe.AddMinutes(1);
            }

            return new DateTimeOffset(probe, Zone.GetUtcOffset(probe));
        }

        if (Zone.IsAmbiguousTime(wall))
        {
            var offsets = Zone.GetAmbiguousTimeOffsets(wall);
            return new DateTimeOffset(wall, offsets.Max());
        }

        return new DateTimeOffset(wall, Zone.GetUtcOffset(wall));
    }
}
