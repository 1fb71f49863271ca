using System.Globalization;

namespace Spool.ApiServer;

/// <summary>k8s.io/apimachinery/pkg/util/duration.HumanDuration, used for date cells in Tables.</summary>
public static class HumanDuration
{
    public static string Format(TimeSpan d)
    {
        static string S(long v) => v.ToString(CultureInfo.InvariantCulture);
        if (d.TotalSeconds < -1)
        {
            return "<invalid>";
        }

        if (d < TimeSpan.Zero)
        {
            return "0s";
        }

        var seconds = (long)d.TotalSeconds;
        if (seconds < 120)
        {
            return S(seconds) + "s";
        }

        var minutes = (long)d.TotalMinutes;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? S(minutes) + "m" : S(minutes) + "m" + S(s) + "s";
        }

        if (minutes < 180)
        {
            return S(minutes) + "m";
        }

        var hours = (long)d.TotalHours;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? S(hours) + "h" : S(hours) + "h" + S(m) + "m";
        }

        if (hours < 48)
        {
            return S(hours) + "h";
        }

        if (hours < 192)
        {
            var h = hours % 24;
            return h == 0 ? S(hours / 24) + "d" : S(hours / 24) + "d" + S(h) + "h";
        }

        if (hours < 24 * 365 * 2)
        {
            return S(hours / 24) + "d";
        }

        if (hours < 24 * 365 * 8)
        {
            var dy = (hours / 24) % 365;
            return dy == 0 ? S(hours / 24 / 365) + "y" : S(hours / 24 / 365) + "y" + S(dy) + "d";
        }

        return S(hours / 24 / 365) + "y";
    }
}
