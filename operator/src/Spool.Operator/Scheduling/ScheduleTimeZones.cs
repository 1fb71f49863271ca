namespace Spool.Operator.Scheduling;

/// <summary>
/// IANA time zones. On Linux .NET reads the tz database from /usr/share/zoneinfo (or TZDIR) itself, so lookups by IANA
/// id work with InvariantGlobalization on; ICU is only needed to translate Windows ids, which Spool does not accept.
/// An image without tzdata finds only UTC, and a schedule naming another zone reports UnknownTimeZone.
/// </summary>
public static class ScheduleTimeZones
{
    /// <summary>UTC when <paramref name="id"/> is empty.</summary>
    public static TimeZoneInfo Find(string? id)
    {
        if (string.IsNullOrWhiteSpace(id) || id is "UTC" or "Etc/UTC")
        {
            return TimeZoneInfo.Utc;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new CronFormatException($"unknown time zone \"{id}\" (an IANA name such as Europe/London; is tzdata installed?)", e);
        }
    }
}
