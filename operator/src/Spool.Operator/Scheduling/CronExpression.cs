using System.Globalization;

namespace Spool.Operator.Scheduling;

/// <summary>
/// A Vixie-cron expression over local wall-clock time: five fields (minute hour day-of-month month day-of-week), or
/// six with a leading seconds field (meant for tests and demos), or one of the shortcuts @yearly, @annually, @monthly,
/// @weekly, @daily, @midnight and @hourly. Fields take <c>*</c>, numbers, ranges <c>a-b</c>, steps <c>*/n</c>,
/// <c>a-b/n</c> and <c>a/n</c> (a to the field's maximum), lists, and the names JAN-DEC and SUN-SAT (7 is Sunday too).
/// When both day-of-month and day-of-week are restricted (neither starts with <c>*</c>), a day matches if either
/// matches, as in Vixie cron; otherwise both must.
/// </summary>
public sealed class CronExpression
{
    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    // A Feb-29-only schedule can wait eight years (2096 to 2104); anything that matches at all matches within nine.
    private const int SearchYears = 9;

    private readonly ulong seconds;
    private readonly ulong minutes;
    private readonly ulong hours;
    private readonly ulong daysOfMonth;
    private readonly ulong months;
    private readonly ulong daysOfWeek;
    private readonly bool dayOfMonthRestricted;
    private readonly bool dayOfWeekRestricted;

    private CronExpression(string text, bool hasSeconds, ulong seconds, ulong minutes, ulong hours, ulong daysOfMonth, ulong months, ulong daysOfWeek, bool dayOfMonthRestricted, bool dayOfWeekRestricted)
    {
        Text = text;
        HasSeconds = hasSeconds;
        this.seconds = seconds;
        this.minutes = minutes;
        this.hours = hours;
        this.daysOfMonth = daysOfMonth;
        this.months = months;
        this.daysOfWeek = daysOfWeek;
        this.dayOfMonthRestricted = dayOfMonthRestricted;
        this.dayOfWeekRestricted = dayOfWeekRestricted;
    }

    public string Text { get; }

    /// <summary>Six-field form: fires on seconds; otherwise on whole minutes.</summary>
    public bool HasSeconds { get; }

    /// <summary>The smallest step the expression can fire at.</summary>
    public TimeSpan Resolution => HasSeconds ? TimeSpan.FromSeconds(1) : TimeSpan.FromMinutes(1);

    public static CronExpression Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var expanded = trimmed.ToUpperInvariant() switch
        {
            "@YEARLY" or "@ANNUALLY" => "0 0 1 1 *",
            "@MONTHLY" => "0 0 1 * *",
            "@WEEKLY" => "0 0 * * 0",
            "@DAILY" or "@MIDNIGHT" => "0 0 * * *",
            "@HOURLY" => "0 * * * *",
            _ when trimmed.StartsWith('@') => throw new CronFormatException($"unknown shortcut {trimmed}; use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly"),
            _ => trimmed,
        };

        var fields = expanded.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is not (5 or 6))
        {
            throw new CronFormatException($"expected 5 fields (minute hour day-of-month month day-of-week) or 6 with a leading seconds field, got {fields.Length}");
        }

        var hasSeconds = fields.Length == 6;
        var offset = hasSeconds ? 1 : 0;
        var sec = hasSeconds ? ParseField(fields[0], "second", 0, 59, null) : 1UL;
        var min = ParseField(fields[offset], "minute", 0, 59, null);
        var hour = ParseField(fields[offset + 1], "hour", 0, 23, null);
        var dom = ParseField(fields[offset + 2], "day-of-month", 1, 31, null);
        var month = ParseField(fields[offset + 3], "month", 1, 12, MonthNames);
        var dow = ParseField(fields[offset + 4], "day-of-week", 0, 7, DayNames);
        if ((dow & (1UL << 7)) != 0)
        {
            dow = (dow | 1UL) & ~(1UL << 7);
        }

        return new CronExpression(
            trimmed,
            hasSeconds,
            sec,
            min,
            hour,
            dom,
            month,
            dow,
            !fields[offset + 2].StartsWith('*'),
            !fields[offset + 4].StartsWith('*'));
    }

    public static bool TryParse(string? text, out CronExpression? expression, out string? error)
    {
        expression = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "schedule is empty";
            return false;
        }

        try
        {
            expression = Parse(text);
            return true;
        }
        catch (CronFormatException e)
        {
            error = e.Message;
            return false;
        }
    }

    /// <summary>True when the wall-clock time (seconds ignored in the five-field form) is one the expression names.</summary>
    public bool Matches(DateTime local)
    {
        if (HasSeconds && !Has(seconds, local.Second))
        {
            return false;
        }

        return Has(minutes, local.Minute) && Has(hours, local.Hour) && Has(months, local.Month) && DayMatches(local);
    }

    /// <summary>
    /// The first wall-clock time strictly after <paramref name="local"/> that the expression names, ignoring time zones
    /// (every wall-clock time exists here); null when none does within nine years (for example 30 February).
    /// </summary>
    public DateTime? NextLocal(DateTime local)
    {
        var t = Truncate(local).Add(Resolution);
        var limit = local.Year + SearchYears;
        while (t.Year <= limit)
        {
            if (!Has(months, t.Month))
            {
                t = new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Unspecified).AddMonths(1);
                continue;
            }

            if (!DayMatches(t))
            {
                t = t.Date.AddDays(1);
                continue;
            }

            if (!Has(hours, t.Hour))
            {
                t = t.Date.AddHours(t.Hour + 1);
                continue;
            }

            if (!Has(minutes, t.Minute))
            {
                t = t.Date.AddHours(t.Hour).AddMinutes(t.Minute + 1);
                continue;
            }

            if (HasSeconds && !Has(seconds, t.Second))
            {
                t = t.AddSeconds(1);
                continue;
            }

            return t;
        }

        return null;
    }

    /// <summary>Drops what is finer than <see cref="Resolution"/>.</summary>
    public DateTime Truncate(DateTime local)
    {
        var unit = Resolution.Ticks;
        return new DateTime(local.Ticks - (local.Ticks % unit), DateTimeKind.Unspecified);
    }

    public override string ToString() => Text;

    private bool DayMatches(DateTime t)
    {
        var dom = Has(daysOfMonth, t.Day);
        var dow = Has(daysOfWeek, (int)t.DayOfWeek);
        return dayOfMonthRestricted && dayOfWeekRestricted ? dom || dow : dom && dow;
    }

    private static bool Has(ulong set, int value) => (set & (1UL << value)) != 0;

    private static ulong ParseField(string field, string name, int min, int max, string[]? names)
    {
        ulong set = 0;
        foreach (var part in field.Split(','))
        {
            if (part.Length == 0)
            {
                throw new CronFormatException($"{name}: empty list element in \"{field}\"");
            }

            var slash = part.IndexOf('/', StringComparison.Ordinal);
            var rangePart = slash < 0 ? part : part[..slash];
            var step = 1;
            if (slash >= 0)
            {
                var stepText = part[(slash + 1)..];
                if (!int.TryParse(stepText, NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1 || step > max - min + 1)
                {
                    throw new CronFormatException($"{name}: step \"{stepText}\" must be a number from 1 to {max - min + 1}");
                }
            }

            int low;
            int high;
            if (rangePart is "*" or "?")
            {
                low = min;
                high = names == DayNames ? 6 : max;
            }
            else
            {
                var dash = rangePart.IndexOf('-', StringComparison.Ordinal);
                if (dash < 0)
                {
                    low = ParseValue(rangePart, name, min, max, names);
                    // "a/n" means a, a+n, ... up to the field's maximum.
                    high = slash >= 0 ? (names == DayNames ? 6 : max) : low;
                }
                else
                {
                    low = ParseValue(rangePart[..dash], name, min, max, names);
                    high = ParseValue(rangePart[(dash + 1)..], name, min, max, names);
                    if (high < low)
                    {
                        throw new CronFormatException($"{name}: range \"{rangePart}\" runs backwards");
                    }
                }
            }

            for (var v = low; v <= high; v += step)
            {
                set |= 1UL << v;
            }
        }

        return set;
    }

    private static int ParseValue(string text, string name, int min, int max, string[]? names)
    {
        if (names is not null)
        {
            var index = Array.IndexOf(names, text.ToUpperInvariant());
            if (index >= 0)
            {
                return names == MonthNames ? index + 1 : index;
            }
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            var named = names is null ? "" : $" or a name {names[0]}-{names[^1]}";
            throw new CronFormatException($"{name}: \"{text}\" is not a number from {min} to {max}{named}");
        }

        return value;
    }
}
