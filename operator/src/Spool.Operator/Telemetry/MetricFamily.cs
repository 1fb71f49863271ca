namespace Spool.Operator.Telemetry;

/// <summary>One instrument and its series at collection time.</summary>
public sealed record MetricFamily(string Name, string? Description, string? Unit, MetricKind Kind, IReadOnlyList<MetricSeries> Series);
