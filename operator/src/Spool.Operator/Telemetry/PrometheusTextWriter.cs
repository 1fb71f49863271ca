using System.Globalization;
using System.Text;

namespace Spool.Operator.Telemetry;

/// <summary>
/// The Prometheus text exposition format 0.0.4: dots become underscores, counters get <c>_total</c>, seconds and bytes
/// units become <c>_seconds</c> and <c>_bytes</c>, histograms get cumulative <c>_bucket</c> series with <c>le</c>, then
/// <c>_sum</c> and <c>_count</c>.
/// </summary>
public static class PrometheusTextWriter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(IEnumerable<MetricFamily> families)
    {
        var text = new StringBuilder();
        foreach (var family in families)
        {
            var name = MetricName(family);
            var type = family.Kind switch
            {
                MetricKind.Counter => "counter",
                MetricKind.Histogram => "histogram",
                _ => "gauge",
            };
            if (!string.IsNullOrEmpty(family.Description))
            {
                text.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(family.Description)).Append('\n');
            }

            text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            foreach (var series in family.Series.OrderBy(s => Labels(s.Labels, null), StringComparer.Ordinal))
            {
                if (family.Kind == MetricKind.Histogram)
                {
                    foreach (var (le, count) in series.Buckets ?? [])
                    {
                        text.Append(name).Append("_bucket").Append(Labels(series.Labels, ("le", Number(le)))).Append(' ').Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
                    }

                    text.Append(name).Append("_bucket").Append(Labels(series.Labels, ("le", "+Inf"))).Append(' ').Append(series.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
                    text.Append(name).Append("_sum").Append(Labels(series.Labels, null)).Append(' ').Append(Number(series.Sum)).Append('\n');
                    text.Append(name).Append("_count").Append(Labels(series.Labels, null)).Append(' ').Append(series.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
                }
                else
                {
                    text.Append(name).Append(Labels(series.Labels, null)).Append(' ').Append(Number(series.Value)).Append('\n');
                }
            }
        }

        return text.ToString();
    }

    public static string MetricName(MetricFamily family)
    {
        var name = Sanitize(family.Name);
        var suffix = family.Unit switch
        {
            "s" => "_seconds",
            "By" => "_bytes",
            _ => "",
        };
        if (suffix.Length > 0 && !name.EndsWith(suffix, StringComparison.Ordinal))
        {
            name += suffix;
        }

        if (family.Kind == MetricKind.Counter && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            name += "_total";
        }

        return name;
    }

    private static string Sanitize(string name)
    {
        var result = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            result.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || c == ':' ? c : '_');
        }

        if (result.Length > 0 && char.IsAsciiDigit(result[0]))
        {
            result.Insert(0, '_');
        }

        return result.ToString();
    }

    private static string Labels(IReadOnlyDictionary<string, string> labels, (string Key, string Value)? extra)
    {
        if (labels.Count == 0 && extra is null)
        {
            return "";
        }

        var parts = labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{Sanitize(l.Key)}=\"{EscapeValue(l.Value)}\"").ToList();
        if (extra is { } e)
        {
            parts.Add($"{e.Key}=\"{EscapeValue(e.Value)}\"");
        }

        return "{" + string.Join(",", parts) + "}";
    }

    private static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : double.IsNaN(value) ? "NaN"
        : value == Math.Floor(value) && Math.Abs(value) < 1e15 ? ((long)value).ToString(CultureInfo.InvariantCulture)
        : value.ToString("R", CultureInfo.InvariantCulture);

    private static string EscapeValue(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeHelp(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
