using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Spool.Operator.Telemetry;

/// <summary>The operator's meter and activity source. Observable instruments are registered by the controllers.</summary>
public static class OperatorTelemetry
{
    public const string Name = "Spool.Operator";

    public static ActivitySource Source { get; } = new(Name, "0.1");

    public static Meter Meter { get; } = new(Name, "0.1");

    public static Counter<long> Failovers { get; } = Meter.CreateCounter<long>("spool.operator.failovers", "{failover}", "Hand-overs of a job to a new epoch, by reason");

    public static Counter<long> BytesResent { get; } = Meter.CreateCounter<long>("spool.operator.bytes.resent", "By", "Bytes an epoch sends again because they were past the last checkpoint of the previous one");

    public static Histogram<double> QueueWait { get; } = Meter.CreateHistogram<double>("spool.operator.queue.wait", "s", "Time from creation (or the end of the previous epoch) until a job is Running");

    public static Counter<long> Writes { get; } = Meter.CreateCounter<long>("spool.operator.writes", "{write}", "Writes the operator made, by object kind and what was written");

    public static Counter<long> Conflicts { get; } = Meter.CreateCounter<long>("spool.operator.conflicts", "{conflict}", "Writes refused because the resourceVersion precondition failed");

    public static Counter<long> Events { get; } = Meter.CreateCounter<long>("spool.operator.events", "{event}", "Kubernetes Events recorded, by reason");

    private static Func<IEnumerable<Measurement<long>>> jobs = () => [];
    private static Func<IEnumerable<Measurement<long>>> bytes = () => [];

    public static ObservableGauge<long> Jobs { get; } = Meter.CreateObservableGauge("spool.operator.jobs", () => jobs(), "{job}", "Jobs by kind and phase, as the leader's cache has them");

    public static ObservableCounter<long> BytesStreamed { get; } = Meter.CreateObservableCounter("spool.operator.bytes.streamed", () => bytes(), "By", "Bytes the agents reported streamed, over every epoch of every job in the cache");

    /// <summary>Points the observable instruments at the running controllers' cache (one per process).</summary>
    public static void Observe(Func<IEnumerable<Measurement<long>>> jobSource, Func<IEnumerable<Measurement<long>>> byteSource)
    {
        jobs = jobSource;
        bytes = byteSource;
        _ = Jobs;
        _ = BytesStreamed;
    }
}
