using System.Diagnostics.Metrics;

namespace Spool.Agent.Host.Metrics;

/// <summary>Counters of the agent, as a .NET Meter (for OpenTelemetry) and as totals for /metrics.</summary>
public sealed class AgentMetrics : IDisposable
{
    public const string MeterName = "Spool.Agent";
    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _bytesStreamed;
    private readonly Counter<long> _checkpoints;
    private readonly Counter<long> _fenced;
    private long _bytesStreamedTotal;
    private long _checkpointsTotal;
    private long _fencedTotal;
    private long _streamsActive;

    public AgentMetrics()
    {
        _bytesStreamed = _meter.CreateCounter<long>("spool_agent_bytes_streamed", "By", "Bytes written to backup drives");
        _checkpoints = _meter.CreateCounter<long>("spool_agent_checkpoints", description: "Checkpoints stored in job status");
        _fenced = _meter.CreateCounter<long>("spool_agent_streams_fenced", description: "Streams stopped because a newer epoch or another node took the job");
        _meter.CreateObservableGauge("spool_agent_streams_active", () => Interlocked.Read(ref _streamsActive));
    }

    public long BytesStreamed => Interlocked.Read(ref _bytesStreamedTotal);

    public long Checkpoints => Interlocked.Read(ref _checkpointsTotal);

    public long Fenced => Interlocked.Read(ref _fencedTotal);

    public long StreamsActive => Interlocked.Read(ref _streamsActive);

    public void AddBytesStreamed(long bytes, string kind)
    {
        if (bytes <= 0)
        {
            return;
        }

        Interlocked.Add(ref _bytesStreamedTotal, bytes);
        _bytesStreamed.Add(bytes, new KeyValuePair<string, object?>("kind", kind));
    }

    public void CheckpointStored()
    {
        Interlocked.Increment(ref _checkpointsTotal);
        _checkpoints.Add(1);
    }

    public void StreamFenced()
    {
        Interlocked.Increment(ref _fencedTotal);
        _fenced.Add(1);
    }

    public void StreamStarted() => Interlocked.Increment(ref _streamsActive);

    public void StreamEnded() => Interlocked.Decrement(ref _streamsActive);

    /// <summary>Prometheus text exposition of the totals.</summary>
    public string Exposition() => string.Join('\n',
        "# TYPE spool_agent_bytes_streamed_total counter",
        $"spool_agent_bytes_streamed_total {BytesStreamed}",
        "# TYPE spool_agent_checkpoints_total counter",
        $"spool_agent_checkpoints_total {Checkpoints}",
        "# TYPE spool_agent_streams_fenced_total counter",
        $"spool_agent_streams_fenced_total {Fenced}",
        "# TYPE spool_agent_streams_active gauge",
        $"spool_agent_streams_active {StreamsActive}",
        "");

    public void Dispose() => _meter.Dispose();
}
