using System.Globalization;

namespace Spool.DevCluster.Rendering;

public static class ByteFormat
{
    public static string Bytes(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        var i = 0;
        while (Math.Abs(bytes) >= 1024 && i < units.Length - 1)
        {
            bytes /= 1024;
            i++;
        }

        return bytes.ToString(i == 0 ? "F0" : "F1", CultureInfo.InvariantCulture) + " " + units[i];
    }

    public static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s";

    public static string Eta(double? seconds) => seconds is not { } s || double.IsNaN(s) || double.IsInfinity(s) || s < 0
        ? "--:--"
        : TimeSpan.FromSeconds(Math.Round(s)).ToString(s >= 3600 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture);
}
