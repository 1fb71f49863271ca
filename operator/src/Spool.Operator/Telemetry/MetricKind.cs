namespace Spool.Operator.Telemetry;

public enum MetricKind
{
    Counter,
    Gauge,
    Histogram,
}
