namespace Spool.Operator.Telemetry;

/// <summary>One label set: the value (counters, gauges) or count, sum and cumulative buckets (histograms).</summary>
public sealed record MetricSeries(IReadOnlyDictionary<string, string> Labels, double Value, long Count, double Sum, IReadOnlyList<(double Le, long Count)>? Buckets);
