using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Spool.Operator.Telemetry;

/// <summary>
/// Aggregates the measurements of chosen meters in process, for the Prometheus text endpoint: counters and
/// up-down counters as sums, histograms with fixed buckets, observable instruments polled at collection.
/// </summary>
public sealed class MetricsCollector : IDisposable
{
    private static readonly double[] DefaultBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentState> _states = new();
    private readonly HashSet<string> _meters;

    public MetricsCollector(params string[] meters)
    {
        _meters = new HashSet<string>(meters, StringComparer.Ordinal);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (_meters.Contains(instrument.Meter.Name))
            {
                _states.TryAdd(instrument, new InstrumentState(instrument));
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    /// <summary>Polls the observable instruments, then returns a consistent copy of every series.</summary>
    public IReadOnlyList<MetricFamily> Collect()
    {
        foreach (var state in _states.Values.Where(s => s.Observable))
        {
            state.ResetObservations();
        }

        _listener.RecordObservableInstruments();
        return _states.Values
            .Select(s => s.Snapshot())
            .Where(f => f.Series.Count > 0)
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_states.TryGetValue(instrument, out var state))
        {
            state.Record(value, tags);
        }
    }

    private sealed class InstrumentState
    {
        private readonly Instrument _instrument;
        private readonly Lock _lock = new();
        private readonly Dictionary<string, Series> _series = new(StringComparer.Ordinal);

        public InstrumentState(Instrument instrument)
        {
            _instrument = instrument;
            var type = instrument.GetType().GetGenericTypeDefinition();
            Kind = type == typeof(Histogram<>) ? MetricKind.Histogram
                : type == typeof(Counter<>) || type == typeof(ObservableCounter<>) ? MetricKind.Counter
                : MetricKind.Gauge;
            Observable = instrument.IsObservable;
        }

        public MetricKind Kind { get; }

        public bool Observable { get; }

        public void ResetObservations()
        {
            lock (_lock)
            {
                _series.Clear();
            }
        }

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                labels[tag.Key] = Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
            }

            var key = string.Join("\u0001", labels.Select(l => l.Key + "\u0002" + l.Value));
            lock (_lock)
            {
                if (!_series.TryGetValue(key, out var series))
                {
                    series = new Series(labels, Kind == MetricKind.Histogram ? new long[DefaultBuckets.Length] : null);
                    _series[key] = series;
                }

                switch (Kind)
                {
                    case MetricKind.Histogram:
                        series.Count++;
                        series.Sum += value;
                        for (var b = 0; b < DefaultBuckets.Length; b++)
                        {
                            if (value <= DefaultBuckets[b])
                            {
                                series.Buckets![b]++;
                            }
                        }

                        break;
                    case MetricKind.Counter when !Observable:
                        series.Value += value;
                        break;
                    default:
                        // Observable values and up-down counters: observable ones report the current total, up-down ones add.
                        series.Value = Observable ? value : series.Value + value;
                        break;
                }
            }
        }

        public MetricFamily Snapshot()
        {
            lock (_lock)
            {
                return new MetricFamily(
                    _instrument.Name,
                    _instrument.Description,
                    _instrument.Unit,
                    Kind,
                    _series.Values.Select(s => new MetricSeries(s.Labels, s.Value, s.Count, s.Sum, s.Buckets is null ? null : DefaultBuckets.Zip(s.Buckets, (le, c) => (le, c)).ToList())).ToList());
            }
        }

        private sealed class Series(IReadOnlyDictionary<string, string> labels, long[]? buckets)
        {
            public IReadOnlyDictionary<string, string> Labels { get; } = labels;

            public long[]? Buckets { get; } = buckets;

            public double Value { get; set; }

            public long Count { get; set; }

            public double Sum { get; set; }
        }
    }
}
