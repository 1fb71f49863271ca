using FsCheck;
using FsCheck.Fluent;
using Spool.Operator.Scheduling;

namespace Spool.Operator.Tests.Scheduling;

/// <summary>
/// Next-fire properties against a brute-force oracle that walks every minute (or second) and applies the documented
/// rules directly: a wall-clock time fires at its first occurrence, and times inside a spring-forward gap fire at the
/// first instant after it. Start instants cluster around daylight saving transitions.
/// </summary>
public sealed class CronPropertyTests
{
    private static readonly string[] Zones = ["UTC", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata"];

    private static readonly DateTimeOffset[] Anchors =
    [
        At("2026-03-08T07:00:00Z"), At("2026-11-01T06:00:00Z"), // New York
        At("2026-03-29T01:00:00Z"), At("2026-10-25T01:00:00Z"), // London
        At("2026-04-04T15:00:00Z"), At("2026-10-03T15:30:00Z"), // Lord Howe (30-minute shifts)
        At("2027-03-14T07:00:00Z"), At("2026-06-15T12:00:00Z"), At("2026-12-31T23:59:00Z"),
    ];

    private static readonly string[] MinuteFields = ["*", "*/7", "0", "15,45", "0-10", "30", "*/20", "59"];
    private static readonly string[] HourFields = ["*", "*/3", "1,2", "2", "1-3", "0", "22-23/1"];
    private static readonly string[] DayOfMonthFields = ["*", "*/2", "1-15", "8", "25-31"];
    private static readonly string[] MonthFields = ["*", "*", "*", "MAR,OCT,NOV", "4-9"];
    private static readonly string[] DayOfWeekFields = ["*", "*", "MON-FRI", "0,6", "SUN", "3"];

    private static readonly TimeSpan Horizon = TimeSpan.FromDays(40);

    [FsCheck.NUnit.Property(MaxTest = 150)]
    public Property Next_is_strictly_after_from() =>
        Prop.ForAll(Cases(), c => c.Schedule.Next(c.From) is not { } n || n > c.From);

    [FsCheck.NUnit.Property(MaxTest = 150)]
    public Property Next_matches_the_expression_or_ends_a_gap_holding_a_match() =>
        Prop.ForAll(Cases(), c =>
        {
            if (c.Schedule.Next(c.From) is not { } n)
            {
                return true;
            }

            return FiresAt(c.Schedule, n);
        });

    [FsCheck.NUnit.Property(MaxTest = 150)]
    public Property No_fire_time_is_skipped_between_from_and_next() =>
        Prop.ForAll(Cases(), c =>
        {
            var expected = OracleNext(c.Schedule, c.From);
            var actual = c.Schedule.Next(c.From);
            return expected is null ? actual is null || actual > c.From + Horizon : actual == expected;
        });

    [FsCheck.NUnit.Property(MaxTest = 100)]
    public Property Seconds_form_agrees_with_the_oracle() =>
        Prop.ForAll(
            Gen.Elements("*/7", "0", "30-40/3", "5,50").SelectMany(s => Gen.Elements("*", "*/2", "30", "0-5"), (s, m) => $"{s} {m} * * * *")
                .SelectMany(e => Gen.Choose(0, 48 * 3600), (e, offset) => (e, offset))
                .SelectMany(p => Gen.Elements("UTC", "Europe/London"), (p, zone) => new Case(CronSchedule.Parse(p.e, zone), At("2026-10-24T12:00:00Z").AddSeconds(p.offset).AddMilliseconds(p.offset % 997)))
                .ToArbitrary(),
            c => c.Schedule.Next(c.From) == OracleNext(c.Schedule, c.From));

    [FsCheck.NUnit.Property(MaxTest = 100)]
    public Property Walking_next_visits_the_oracle_fires_in_order() =>
        Prop.ForAll(Cases(), c =>
        {
            var t = c.From;
            for (var i = 0; i < 5; i++)
            {
                var n = c.Schedule.Next(t);
                if (n is null || n > c.From + Horizon)
                {
                    return true;
                }

                if (OracleNext(c.Schedule, t) != n)
                {
                    return false;
                }

                t = n.Value;
            }

            return true;
        });

    private static Arbitrary<Case> Cases() =>
        (from minute in Gen.Elements(MinuteFields)
         from hour in Gen.Elements(HourFields)
         from dom in Gen.Elements(DayOfMonthFields)
         from month in Gen.Elements(MonthFields)
         from dow in Gen.Elements(DayOfWeekFields)
         from zone in Gen.Elements(Zones)
         from anchor in Gen.Elements(Anchors)
         from offsetSeconds in Gen.Choose(-3 * 86400, 3 * 86400)
         select new Case(CronSchedule.Parse($"{minute} {hour} {dom} {month} {dow}", zone), anchor.AddSeconds(offsetSeconds)))
        .ToArbitrary();

    private static DateTimeOffset? OracleNext(CronSchedule schedule, DateTimeOffset from)
    {
        var unit = schedule.Expression.Resolution.Ticks;
        var t = new DateTimeOffset(from.UtcTicks - (from.UtcTicks % unit), TimeSpan.Zero).AddTicks(unit);
        var end = from + Horizon;
        while (t <= end)
        {
            if (FiresAt(schedule, t))
            {
                return t;
            }

            t = t.AddTicks(unit);
        }

        return null;
    }

    /// <summary>The documented rules, stated with nothing but TimeZoneInfo.</summary>
    private static bool FiresAt(CronSchedule schedule, DateTimeOffset instant)
    {
        var zone = schedule.Zone;
        var expression = schedule.Expression;
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var wall = local.DateTime;
        if (wall != expression.Truncate(wall))
        {
            return false;
        }

        var firstOccurrence = !zone.IsAmbiguousTime(local) || local.Offset == zone.GetAmbiguousTimeOffsets(local).Max();
        if (firstOccurrence && expression.Matches(wall))
        {
            return true;
        }

        // The instant right after a spring-forward gap also fires for every wall-clock time inside the gap.
        var unit = expression.Resolution;
        var before = TimeZoneInfo.ConvertTime(instant - unit, zone).DateTime;
        for (var skipped = before + unit; skipped < wall; skipped += unit)
        {
            if (expression.Matches(skipped))
            {
                return true;
            }
        }

        return false;
    }

    private static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    public sealed record Case(CronSchedule Schedule, DateTimeOffset From)
    {
        public override string ToString() => $"{Schedule.Expression} in {Schedule.Zone.Id} from {From:O}";
    }
}
