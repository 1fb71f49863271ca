using System.Diagnostics.Metrics;
using Spool.Operator.Telemetry;

namespace Spool.Operator.Tests.Telemetry;

[TestFixture]
public sealed class PrometheusTextWriterTests
{
    [Test]
    public void Counters_gauges_and_histograms_are_written_in_the_text_exposition_format()
    {
        using var meter = new Meter("Spool.Test.Prometheus." + Guid.NewGuid().ToString("N"));
        using var collector = new MetricsCollector(meter.Name);
        var failovers = meter.CreateCounter<long>("spool.operator.failovers", "{failover}", "Hand-overs by reason");
        var wait = meter.CreateHistogram<double>("spool.operator.queue.wait", "s", "Queue wait");
        meter.CreateObservableGauge("spool.operator.jobs", () => new Measurement<long>(7, new KeyValuePair<string, object?>("phase", "Running")), "{job}", "Jobs by phase");
        failovers.Add(2, new KeyValuePair<string, object?>("reason", "NodeNotReady"));
        failovers.Add(1, new KeyValuePair<string, object?>("reason", "NodeNotReady"));
        failovers.Add(1, new KeyValuePair<string, object?>("reason", "Volume\"Moved"));
        wait.Record(0.02);
        wait.Record(3);

        var text = PrometheusTextWriter.Write(collector.Collect());

        text.Should().Contain("# HELP spool_operator_failovers_total Hand-overs by reason\n");
        text.Should().Contain("# TYPE spool_operator_failovers_total counter\n");
        text.Should().Contain("spool_operator_failovers_total{reason=\"NodeNotReady\"} 3\n");
        text.Should().Contain("spool_operator_failovers_total{reason=\"Volume\\\"Moved\"} 1\n");
        text.Should().Contain("# TYPE spool_operator_jobs gauge\n");
        text.Should().Contain("spool_operator_jobs{phase=\"Running\"} 7\n");
        text.Should().Contain("# TYPE spool_operator_queue_wait_seconds histogram\n");
        text.Should().Contain("spool_operator_queue_wait_seconds_bucket{le=\"0.025\"} 1\n");
        text.Should().Contain("spool_operator_queue_wait_seconds_bucket{le=\"5\"} 2\n");
        text.Should().Contain("spool_operator_queue_wait_seconds_bucket{le=\"+Inf\"} 2\n");
        text.Should().Contain("spool_operator_queue_wait_seconds_sum 3.02\n");
        text.Should().Contain("spool_operator_queue_wait_seconds_count 2\n");
        text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Should().OnlyContain(l => System.Text.RegularExpressions.Regex.IsMatch(l, "^[a-zA-Z_:][a-zA-Z0-9_:]*(\\{.*\\})? [-+0-9.eEInfNa]+$"));
    }
}
