using Spool.Operator.Scheduling;

namespace Spool.Operator.Tests.Scheduling;

public sealed class CronExpressionTests
{
    private static DateTime D(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) => new(y, mo, d, h, mi, s, DateTimeKind.Unspecified);

    [TestCase("* * * * *", false)]
    [TestCase("*/10 * * * * *", true)]
    [TestCase("@daily", false)]
    [TestCase("  0 3 * * MON-FRI  ", false)]
    public void Parses_five_and_six_field_forms(string text, bool seconds)
    {
        CronExpression.Parse(text).HasSeconds.Should().Be(seconds);
    }

    [TestCase("")]
    [TestCase("* * * *")]
    [TestCase("* * * * * * *")]
    [TestCase("60 * * * *")]
    [TestCase("* 24 * * *")]
    [TestCase("* * 0 * *")]
    [TestCase("* * 32 * *")]
    [TestCase("* * * 13 *")]
    [TestCase("* * * * 8")]
    [TestCase("5-1 * * * *")]
    [TestCase("*/0 * * * *")]
    [TestCase("*/61 * * * *")]
    [TestCase("1,,2 * * * *")]
    [TestCase("* * * FOO *")]
    [TestCase("* * * * MONDAY")]
    [TestCase("@every 5m")]
    [TestCase("a * * * *")]
    [TestCase("-1 * * * *")]
    public void Rejects_malformed_expressions(string text)
    {
        CronExpression.TryParse(text, out var expression, out var error).Should().BeFalse();
        expression.Should().BeNull();
        error.Should().NotBeNullOrWhiteSpace();
    }

    [Test]
    public void Error_names_the_field()
    {
        CronExpression.TryParse("0 25 * * *", out _, out var error);
        error.Should().Contain("hour");
    }

    [TestCase("@yearly", "0 0 1 1 *")]
    [TestCase("@annually", "0 0 1 1 *")]
    [TestCase("@monthly", "0 0 1 * *")]
    [TestCase("@weekly", "0 0 * * 0")]
    [TestCase("@daily", "0 0 * * *")]
    [TestCase("@midnight", "0 0 * * *")]
    [TestCase("@HOURLY", "0 * * * *")]
    public void Shortcuts_expand_to_their_five_field_form(string shortcut, string expanded)
    {
        var a = CronExpression.Parse(shortcut);
        var b = CronExpression.Parse(expanded);
        var t = D(2025, 12, 30, 22, 17);
        for (var i = 0; i < 30; i++)
        {
            var na = a.NextLocal(t);
            na.Should().Be(b.NextLocal(t));
            t = na!.Value;
        }
    }

    [Test]
    public void Names_are_case_insensitive_and_seven_is_sunday()
    {
        var names = CronExpression.Parse("0 0 * jan-Mar sun");
        var numbers = CronExpression.Parse("0 0 * 1-3 7");
        var zero = CronExpression.Parse("0 0 * 1-3 0");
        var t = D(2026, 1, 1);
        for (var i = 0; i < 20; i++)
        {
            var n = names.NextLocal(t)!.Value;
            numbers.NextLocal(t).Should().Be(n);
            zero.NextLocal(t).Should().Be(n);
            n.DayOfWeek.Should().Be(DayOfWeek.Sunday);
            n.Month.Should().BeLessThanOrEqualTo(3);
            t = n;
        }
    }

    [Test]
    public void Ranges_steps_and_lists_combine()
    {
        var e = CronExpression.Parse("5,10-20/5,50/4 * * * *");
        var minutes = new List<int>();
        var t = D(2026, 5, 5, 7, 0).AddMinutes(-1);
        while (true)
        {
            var n = e.NextLocal(t)!.Value;
            if (n.Hour != 7)
            {
                break;
            }

            minutes.Add(n.Minute);
            t = n;
        }

        minutes.Should().Equal(5, 10, 15, 20, 50, 54, 58);
    }

    [Test]
    public void Both_day_fields_restricted_match_either()
    {
        // 13th of the month OR a Friday (Vixie cron).
        var e = CronExpression.Parse("0 0 13 * FRI");
        e.NextLocal(D(2026, 1, 1)).Should().Be(D(2026, 1, 2));
        e.NextLocal(D(2026, 1, 10)).Should().Be(D(2026, 1, 13));
        e.Matches(D(2026, 1, 13)).Should().BeTrue();
        e.Matches(D(2026, 1, 16)).Should().BeTrue();
        e.Matches(D(2026, 1, 14)).Should().BeFalse();
    }

    [Test]
    public void A_day_field_starting_with_a_star_makes_both_required()
    {
        // Odd days AND Fridays: 2 Jan 2026 is an even Friday, 9 Jan an odd one.
        CronExpression.Parse("0 0 */2 * FRI").NextLocal(D(2026, 1, 1)).Should().Be(D(2026, 1, 9));
        CronExpression.Parse("0 0 13 * *").NextLocal(D(2026, 1, 1)).Should().Be(D(2026, 1, 13));
        CronExpression.Parse("0 0 * * FRI").NextLocal(D(2026, 1, 1)).Should().Be(D(2026, 1, 2));
    }

    [Test]
    public void Impossible_dates_never_fire()
    {
        CronExpression.Parse("0 0 31 2 *").NextLocal(D(2026, 1, 1)).Should().BeNull();
        CronExpression.Parse("0 0 30 2 *").NextLocal(D(2026, 1, 1)).Should().BeNull();
    }

    [Test]
    public void February_29_waits_for_a_leap_year_even_across_a_century()
    {
        CronExpression.Parse("0 0 29 2 *").NextLocal(D(2026, 3, 1)).Should().Be(D(2028, 2, 29));
        CronExpression.Parse("0 0 29 2 *").NextLocal(D(2096, 3, 1)).Should().Be(D(2104, 2, 29));
    }

    [Test]
    public void Next_is_strictly_after_and_drops_sub_resolution_parts()
    {
        var e = CronExpression.Parse("* * * * *");
        e.NextLocal(D(2026, 1, 1, 0, 0)).Should().Be(D(2026, 1, 1, 0, 1));
        e.NextLocal(D(2026, 1, 1, 0, 0, 59)).Should().Be(D(2026, 1, 1, 0, 1));
        CronExpression.Parse("*/10 * * * * *").NextLocal(D(2026, 1, 1, 0, 0, 5).AddMilliseconds(300)).Should().Be(D(2026, 1, 1, 0, 0, 10));
    }

    [Test]
    public void Year_and_month_ends_roll_over()
    {
        CronExpression.Parse("59 23 31 12 *").NextLocal(D(2026, 12, 31, 23, 59)).Should().Be(D(2027, 12, 31, 23, 59));
        CronExpression.Parse("0 0 31 * *").NextLocal(D(2026, 1, 31)).Should().Be(D(2026, 3, 31));
        CronExpression.Parse("0 0 1 1 *").NextLocal(D(2026, 12, 31, 23, 59, 59)).Should().Be(D(2027, 1, 1));
    }
}
