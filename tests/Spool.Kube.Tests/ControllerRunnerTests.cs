using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Spool.Kube.Controllers;
using Spool.Kube.Queues;
using Spool.Testing;

namespace Spool.Kube.Tests;

public sealed class ControllerRunnerTests
{
    [Test]
    public async Task Maps_results_to_forget_requeue_after_and_rate_limited_retries()
    {
        var time = new ManualTimeProvider();
        var limiter = new RecordingLimiter();
        using var queue = new RateLimitingQueue<string>(limiter, time);
        var calls = new ConcurrentQueue<string>();
        var results = new Dictionary<string, Queue<Func<ReconcileResult>>>
        {
            ["ok"] = new([() => ReconcileResult.Done]),
            ["later"] = new([() => ReconcileResult.After(TimeSpan.FromSeconds(30)), () => ReconcileResult.Done]),
            ["again"] = new([() => ReconcileResult.RequeueRateLimited, () => ReconcileResult.Done]),
            ["boom"] = new([() => throw new InvalidOperationException("reconcile failed"), () => ReconcileResult.Done]),
        };
        var runner = new ControllerRunner<string>("test", queue, (key, _) =>
        {
            calls.Enqueue(key);
            lock (results)
            {
                return Task.FromResult(results[key].Dequeue()());
            }
        }, workers: 2, timeProvider: time);
        using var stop = new CancellationTokenSource();
        var run = runner.RunAsync(stop.Token);

        foreach (var key in results.Keys)
        {
            queue.Add(key);
        }

        await Eventually.True(() => calls.Count == 4);
        limiter.Forgotten.Should().Contain(["ok", "later"]);
        limiter.Whens.Should().BeEquivalentTo(["again", "boom"], "errors and Requeue go through the rate limiter");
        time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.True(() => calls.Count == 6, because: "rate-limited retries wait their 1 s");
        calls.Count(c => c == "later").Should().Be(1, "RequeueAfter waits 30 s");
        time.Advance(TimeSpan.FromSeconds(29));
        await Eventually.True(() => calls.Count == 7);
        await Eventually.True(() => limiter.Forgotten.Count(k => k == "again") == 1 && limiter.Forgotten.Count(k => k == "boom") == 1);
        runner.Errors.Should().Be(1);
        runner.Reconciles.Should().Be(7);

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        queue.ShuttingDown.Should().BeTrue();
    }

    [Test]
    public async Task Never_reconciles_one_key_on_two_workers_at_once()
    {
        using var queue = new RateLimitingQueue<int>();
        var inFlight = new ConcurrentDictionary<int, bool>();
        var overlaps = 0;
        var done = 0;
        var runner = new ControllerRunner<int>("overlap", queue, async (key, ct) =>
        {
            if (!inFlight.TryAdd(key, true))
            {
                Interlocked.Increment(ref overlaps);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(1), TimeProvider.System, ct);
            inFlight.TryRemove(key, out _);
            Interlocked.Increment(ref done);
            return ReconcileResult.Done;
        }, workers: 8);
        using var stop = new CancellationTokenSource();
        var run = runner.RunAsync(stop.Token);

        for (var i = 0; i < 2000; i++)
        {
            queue.Add(i % 5);
            if (i % 50 == 0)
            {
                await Task.Yield();
            }
        }

        await Eventually.True(() => queue.Count == 0 && done > 0);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        overlaps.Should().Be(0);
    }

    [Test]
    public async Task Records_duration_and_errors_on_the_spool_kube_meter()
    {
        var durations = new ConcurrentBag<double>();
        var errors = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Spool.Kube")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "spool.kube.reconcile.duration" && HasTag(tags, "metered"))
            {
                durations.Add(value);
            }
        });
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "spool.kube.reconcile.errors" && HasTag(tags, "metered"))
            {
                Interlocked.Add(ref errors, value);
            }
        });
        listener.Start();
        using var queue = new RateLimitingQueue<string>(new ItemExponentialFailureRateLimiter<string>(TimeSpan.FromHours(1), TimeSpan.FromHours(1)));
        var runner = new ControllerRunner<string>("metered", queue, (key, _) =>
            key == "bad" ? throw new InvalidOperationException("no") : Task.FromResult(ReconcileResult.Done));
        using var stop = new CancellationTokenSource();
        var run = runner.RunAsync(stop.Token);

        queue.Add("good");
        queue.Add("bad");

        await Eventually.True(() => durations.Count == 2 && Interlocked.Read(ref errors) == 1);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static bool HasTag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string controller)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "controller" && (string?)tag.Value == controller)
            {
                return true;
            }
        }

        return false;
    }

    private sealed class RecordingLimiter : IRateLimiter<string>
    {
        private readonly ConcurrentQueue<string> _whens = new();
        private readonly ConcurrentQueue<string> _forgotten = new();

        public List<string> Whens => [.. _whens];

        public List<string> Forgotten => [.. _forgotten];

        public TimeSpan When(string item)
        {
            _whens.Enqueue(item);
            return TimeSpan.FromSeconds(1);
        }

        public void Forget(string item) => _forgotten.Enqueue(item);

        public int NumRequeues(string item) => _whens.Count(w => w == item);
    }
}
