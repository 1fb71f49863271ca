using Spool.Operator.Scheduling;

namespace Spool.Operator.Tests.Scheduling;

/// <summary>Fixed tables of next fire times, daylight saving transitions of 2026 included.</summary>
public sealed class CronScheduleTests
{
    // New York 2026: 8 March 02:00 EST -> 03:00 EDT (07:00Z); 1 November 02:00 EDT -> 01:00 EST (06:00Z).
    // London 2026: 29 March 01:00 GMT -> 02:00 BST (01:00Z); 25 October 02:00 BST -> 01:00 GMT (01:00Z).
    [TestCase("UTC", "*/15 * * * *", "2026-01-01T00:07:00Z", "2026-01-01T00:15:00Z")]
    [TestCase("UTC", "0 9 * * MON-FRI", "2026-01-03T10:00:00Z", "2026-01-05T09:00:00Z")]
    [TestCase("UTC", "30 5/6 * * *", "2026-01-01T06:00:00Z", "2026-01-01T11:30:00Z")]
    [TestCase("UTC", "@monthly", "2026-01-15T00:00:00Z", "2026-02-01T00:00:00Z")]
    [TestCase("UTC", "@weekly", "2026-01-01T00:00:00Z", "2026-01-04T00:00:00Z")]
    [TestCase("UTC", "@yearly", "2026-06-01T00:00:00Z", "2027-01-01T00:00:00Z")]
    [TestCase("UTC", "0 0 29 2 *", "2026-03-01T00:00:00Z", "2028-02-29T00:00:00Z")]
    [TestCase("UTC", "*/10 * * * * *", "2026-01-01T00:00:05Z", "2026-01-01T00:00:10Z")]
    [TestCase("", "@hourly", "2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z")]
    [TestCase("Asia/Kolkata", "0 0 * * *", "2026-01-01T00:00:00Z", "2026-01-01T18:30:00Z")]
    [TestCase("America/New_York", "0 2 * * *", "2026-01-10T12:00:00Z", "2026-01-11T07:00:00Z")]
    [TestCase("America/New_York", "0 2 * * *", "2026-07-10T12:00:00Z", "2026-07-11T06:00:00Z")]
    // Spring forward: 02:30 does not exist on 8 March; it fires once at 03:00 EDT, then normally.
    [TestCase("America/New_York", "30 2 * * *", "2026-03-07T17:00:00Z", "2026-03-08T07:00:00Z")]
    [TestCase("America/New_York", "30 2 * * *", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z")]
    [TestCase("America/New_York", "0 2 * * *", "2026-03-08T06:59:00Z", "2026-03-08T07:00:00Z")]
    // Several times in the gap fire once together, and 03:00 itself is not fired twice.
    [TestCase("America/New_York", "*/30 * * * *", "2026-03-08T06:45:00Z", "2026-03-08T07:00:00Z")]
    [TestCase("America/New_York", "*/30 * * * *", "2026-03-08T07:00:00Z", "2026-03-08T07:30:00Z")]
    [TestCase("America/New_York", "59 1 * * *", "2026-03-08T05:00:00Z", "2026-03-08T06:59:00Z")]
    [TestCase("America/New_York", "0 3 * * *", "2026-03-08T05:00:00Z", "2026-03-08T07:00:00Z")]
    // Fall back: 01:30 happens twice on 1 November; it fires at the first (EDT), not again at 01:30 EST.
    [TestCase("America/New_York", "30 1 * * *", "2026-11-01T04:00:00Z", "2026-11-01T05:30:00Z")]
    [TestCase("America/New_York", "30 1 * * *", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z")]
    [TestCase("America/New_York", "30 1 * * *", "2026-11-01T06:10:00Z", "2026-11-02T06:30:00Z")]
    [TestCase("America/New_York", "0 * * * *", "2026-11-01T05:00:00Z", "2026-11-01T07:00:00Z")]
    [TestCase("America/New_York", "30 2 * * *", "2026-11-01T05:30:00Z", "2026-11-01T07:30:00Z")]
    [TestCase("Europe/London", "30 1 * * *", "2026-03-28T12:00:00Z", "2026-03-29T01:00:00Z")]
    [TestCase("Europe/London", "30 1 * * *", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z")]
    [TestCase("Europe/London", "0 0 * * *", "2026-03-28T12:00:00Z", "2026-03-29T00:00:00Z")]
    [TestCase("Europe/London", "0 0 * * *", "2026-03-29T00:00:00Z", "2026-03-29T23:00:00Z")]
    [TestCase("Europe/London", "30 1 * * *", "2026-10-24T12:00:00Z", "2026-10-25T00:30:00Z")]
    [TestCase("Europe/London", "30 1 * * *", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z")]
    [TestCase("Europe/London", "*/20 1 * * *", "2026-10-25T00:40:00Z", "2026-10-26T01:00:00Z")]
    [TestCase("Europe/London", "0 2 * * SUN", "2026-10-24T00:00:00Z", "2026-10-25T02:00:00Z")]
    public void Next_fire_times(string zone, string expression, string from, string expected)
    {
        var schedule = CronSchedule.Parse(expression, zone);
        schedule.Next(DateTimeOffset.Parse(from, System.Globalization.CultureInfo.InvariantCulture))
            .Should().Be(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Test]
    public void A_whole_spring_forward_day_in_new_york_fires_each_existing_hour_once_and_the_gap_once()
    {
        var schedule = CronSchedule.Parse("0 * * * *", "America/New_York");
        var fires = Walk(schedule, At("2026-03-08T05:00:00Z"), At("2026-03-08T09:00:00Z"));
        // 01:00 EST, then 02:00 (nonexistent) fires at 03:00 EDT together with 03:00 itself, then 04:00 and 05:00 EDT.
        fires.Should().Equal(At("2026-03-08T06:00:00Z"), At("2026-03-08T07:00:00Z"), At("2026-03-08T08:00:00Z"), At("2026-03-08T09:00:00Z"));
    }

    [Test]
    public void A_fall_back_night_in_london_runs_a_daily_job_exactly_once_per_day()
    {
        var schedule = CronSchedule.Parse("15 1 * * *", "Europe/London");
        var fires = Walk(schedule, At("2026-10-20T00:00:00Z"), At("2026-10-30T00:00:00Z"));
        fires.Should().HaveCount(10);
        fires.Select(f => TimeZoneInfo.ConvertTime(f, schedule.Zone).Date).Should().OnlyHaveUniqueItems();
    }

    [Test]
    public void Missed_runs_count_and_find_the_latest()
    {
        var schedule = CronSchedule.Parse("*/5 * * * *", null);
        var missed = schedule.Missed(At("2026-01-01T00:00:00Z"), At("2026-01-01T00:17:00Z"));
        missed.Count.Should().Be(3);
        missed.Latest.Should().Be(At("2026-01-01T00:15:00Z"));
        schedule.Missed(At("2026-01-01T00:00:00Z"), At("2026-01-01T00:04:59Z")).Should().Be(new MissedRuns(null, 0));
    }

    [Test]
    public void Missed_runs_beyond_the_limit_still_find_the_latest_fire_time()
    {
        var schedule = CronSchedule.Parse("*/7 * * * * *", null);
        var missed = schedule.Missed(At("2026-01-01T00:00:00Z"), At("2026-01-03T05:04:03Z"));
        missed.Count.Should().Be(101);
        missed.Latest.Should().Be(At("2026-01-03T05:04:00Z"));
    }

    [Test]
    public void Unknown_time_zones_are_reported_by_name()
    {
        var act = () => CronSchedule.Parse("@daily", "Mars/Olympus_Mons");
        act.Should().Throw<CronFormatException>().WithMessage("*Mars/Olympus_Mons*");
    }

    [TestCase("America/New_York")]
    [TestCase("Europe/London")]
    [TestCase("Australia/Lord_Howe")]
    public void Iana_zones_resolve_with_invariant_globalization(string id)
    {
        ScheduleTimeZones.Find(id).Id.Should().Be(id);
    }

    private static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    private static List<DateTimeOffset> Walk(CronSchedule schedule, DateTimeOffset from, DateTimeOffset until)
    {
        var fires = new List<DateTimeOffset>();
        var t = from;
        while (schedule.Next(t) is { } n && n <= until)
        {
            fires.Add(n);
            t = n;
        }

        return fires;
    }
}
