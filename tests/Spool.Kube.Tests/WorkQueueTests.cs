using FsCheck;
using FsCheck.Fluent;
using System.Collections.Concurrent;
using Spool.Kube.Queues;
using Spool.Testing;

namespace Spool.Kube.Tests;

public sealed class WorkQueueTests
{
    /// <summary>
    /// Operations as integers: 0..4 add key k, 5 get, 6..10 done of key (k-6) when in process. The queue must match a
    /// reference model of client-go's queue.go at every step: hand out exactly what the model hands out, never an item
    /// in process, and re-queue on Done an item re-added while in process.
    /// </summary>
    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property Matches_the_client_go_model() =>
        Prop.ForAll(Gen.Choose(0, 10).ArrayOf().ToArbitrary(), RunAgainstModel);

    [FsCheck.NUnit.Property(MaxTest = 200)]
    public Property Item_backoff_doubles_from_5ms_up_to_1000s_and_forget_resets() =>
        Prop.ForAll(Gen.Choose(0, 300).ToArbitrary(), CheckBackoff);

    private static bool RunAgainstModel(int[] operations)
    {
        var queue = new WorkQueue<int>();
        var modelQueue = new List<int>();
        var dirty = new HashSet<int>();
        var processing = new HashSet<int>();
        foreach (var raw in operations)
        {
            var op = Math.Abs(raw % 11);
            if (op < 5)
            {
                queue.Add(op);
                if (dirty.Add(op) && !processing.Contains(op))
                {
                    modelQueue.Add(op);
                }
            }
            else if (op == 5)
            {
                if (modelQueue.Count == 0)
                {
                    if (queue.Count != 0)
                    {
                        return false;
                    }

                    continue;
                }

                var expected = modelQueue[0];
                modelQueue.RemoveAt(0);
                dirty.Remove(expected);
                var got = queue.GetAsync().AsTask();
                if (!got.IsCompletedSuccessfully || got.Result.Shutdown || got.Result.Item != expected || processing.Contains(expected))
                {
                    return false;
                }

                processing.Add(expected);
            }
            else
            {
                var key = op - 6;
                if (!processing.Remove(key))
                {
                    continue;
                }

                queue.Done(key);
                if (dirty.Contains(key))
                {
                    modelQueue.Add(key);
                }
            }

            if (queue.Count != modelQueue.Count || queue.ProcessingCount != processing.Count)
            {
                return false;
            }
        }

        return true;
    }

    [Test]
    public async Task Concurrent_workers_never_process_one_key_twice_at_once_and_miss_no_add()
    {
        var queue = new WorkQueue<int>();
        var inFlight = new ConcurrentDictionary<int, int>();
        var lastProcessedVersion = new ConcurrentDictionary<int, int>();
        var addedVersion = new int[8];
        var violations = 0;
        using var stop = new CancellationTokenSource();

        async Task Worker()
        {
            while (true)
            {
                var (key, shutdown) = await queue.GetAsync();
                if (shutdown)
                {
                    return;
                }

                var seen = Volatile.Read(ref addedVersion[key]);
                if (!inFlight.TryAdd(key, 1))
                {
                    Interlocked.Increment(ref violations);
                }

                await Task.Yield();
                lastProcessedVersion.AddOrUpdate(key, seen, (_, v) => Math.Max(v, seen));
                inFlight.TryRemove(key, out _);
                queue.Done(key);
            }
        }

        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(Worker)).ToArray();
        var producers = Enumerable.Range(0, 4).Select(p => Task.Run(async () =>
        {
            var random = new Random(p);
            for (var i = 0; i < 5000; i++)
            {
                var key = random.Next(8);
                Interlocked.Increment(ref addedVersion[key]);
                queue.Add(key);
                if (i % 100 == 0)
                {
                    await Task.Yield();
                }
            }
        })).ToArray();
        await Task.WhenAll(producers);
        await queue.ShutDownWithDrainAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(30));

        violations.Should().Be(0);
        for (var key = 0; key < 8; key++)
        {
            lastProcessedVersion[key].Should().Be(addedVersion[key], "the last add of every key was processed after it happened");
        }
    }

    [Test]
    public async Task Re_add_while_processing_is_processed_again_after_done()
    {
        var queue = new WorkQueue<string>();
        queue.Add("a");
        var first = await queue.GetAsync();
        queue.Add("a");
        queue.Add("a");
        queue.Count.Should().Be(0, "an item in process waits for Done");
        var second = queue.GetAsync();
        second.IsCompleted.Should().BeFalse();

        queue.Done(first.Item);

        (await second.AsTask().WaitAsync(TimeSpan.FromSeconds(5))).Item.Should().Be("a");
        queue.Count.Should().Be(0, "the two re-adds collapsed into one");
    }

    [Test]
    public async Task Get_waits_for_an_add_and_honours_cancellation()
    {
        var queue = new WorkQueue<string>();
        using var cancel = new CancellationTokenSource();
        var cancelled = queue.GetAsync(cancel.Token);
        var waiting = queue.GetAsync();
        await cancel.CancelAsync();
        await FluentActions.Awaiting(async () => await cancelled).Should().ThrowAsync<OperationCanceledException>();

        queue.Add("x");

        (await waiting.AsTask().WaitAsync(TimeSpan.FromSeconds(5))).Item.Should().Be("x", "the cancelled waiter does not swallow the item");
    }

    [Test]
    public async Task Shutdown_hands_out_remaining_items_then_reports_shutdown_and_ignores_adds()
    {
        var queue = new WorkQueue<string>();
        var idle = queue.GetAsync();
        queue.Add("a");
        (await idle).Item.Should().Be("a");
        queue.Add("b");
        var waiter2 = queue.GetAsync();
        (await waiter2).Item.Should().Be("b");
        var blocked = queue.GetAsync();

        queue.ShutDown();
        queue.Add("c");

        (await blocked.AsTask().WaitAsync(TimeSpan.FromSeconds(5))).Shutdown.Should().BeTrue();
        (await queue.GetAsync()).Shutdown.Should().BeTrue();
        queue.ShuttingDown.Should().BeTrue();
    }

    [Test]
    public async Task Shutdown_with_drain_waits_for_items_in_process()
    {
        var queue = new WorkQueue<string>();
        queue.Add("a");
        queue.Add("b");
        var a = await queue.GetAsync();

        var drain = queue.ShutDownWithDrainAsync();
        await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System);
        drain.IsCompleted.Should().BeFalse("a is in process and b still queued");
        var b = await queue.GetAsync();
        b.Item.Should().Be("b", "queued items are still handed out while draining");
        queue.Done(a.Item);
        drain.IsCompleted.Should().BeFalse();
        queue.Done(b.Item);

        await drain.WaitAsync(TimeSpan.FromSeconds(5));
        (await queue.GetAsync()).Shutdown.Should().BeTrue();
    }

    [Test]
    public async Task Delaying_queue_adds_after_the_delay_earliest_time_winning()
    {
        var time = new ManualTimeProvider();
        using var queue = new DelayingQueue<string>(time);

        queue.AddAfter("late", TimeSpan.FromSeconds(10));
        queue.AddAfter("early", TimeSpan.FromSeconds(2));
        queue.AddAfter("late", TimeSpan.FromSeconds(5));
        queue.AddAfter("late", TimeSpan.FromSeconds(8));
        queue.AddAfter("now", TimeSpan.Zero);

        queue.Count.Should().Be(1);
        queue.WaitingCount.Should().Be(2);
        time.Advance(TimeSpan.FromSeconds(2));
        queue.Count.Should().Be(2);
        time.Advance(TimeSpan.FromSeconds(2.9));
        queue.Count.Should().Be(2);
        time.Advance(TimeSpan.FromSeconds(0.1));
        queue.Count.Should().Be(3, "the earlier of the times for 'late' applies");
        time.Advance(TimeSpan.FromSeconds(10));
        queue.Count.Should().Be(3, "the later times were superseded");

        var order = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            order.Add((await queue.GetAsync()).Item);
        }

        order.Should().Equal("now", "early", "late");
    }

    [Test]
    public void Delaying_queue_drops_waiting_items_on_shutdown()
    {
        var time = new ManualTimeProvider();
        using var queue = new DelayingQueue<string>(time);
        queue.AddAfter("x", TimeSpan.FromSeconds(1));

        queue.ShutDown();
        time.Advance(TimeSpan.FromSeconds(5));

        queue.Count.Should().Be(0);
        queue.WaitingCount.Should().Be(0);
    }

    private static bool CheckBackoff(int failures)
    {
        var limiter = new ItemExponentialFailureRateLimiter<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000));
        var previous = TimeSpan.Zero;
        for (var i = 0; i < failures; i++)
        {
            var delay = limiter.When("k");
            var expected = TimeSpan.FromMilliseconds(Math.Min(5 * Math.Pow(2, i), 1_000_000));
            if (Math.Abs((delay - expected).TotalMilliseconds) > 0.001 || delay < previous)
            {
                return false;
            }

            previous = delay;
        }

        var counted = limiter.NumRequeues("k") == failures && limiter.NumRequeues("other") == 0;
        limiter.Forget("k");
        return counted && limiter.NumRequeues("k") == 0 && limiter.When("k") == TimeSpan.FromMilliseconds(5);
    }

    [Test]
    public void Default_controller_limiter_is_the_max_of_item_backoff_and_overall_bucket()
    {
        var time = new ManualTimeProvider();
        var limiter = RateLimiters.DefaultController<int>(time);

        // 100 distinct items use the burst: each only pays its own first backoff of 5 ms.
        for (var i = 0; i < 100; i++)
        {
            limiter.When(i).Should().Be(TimeSpan.FromMilliseconds(5));
        }

        // The bucket is empty now: 10 qps spaces further retries 100 ms apart, even for fresh items.
        limiter.When(1000).Should().Be(TimeSpan.FromMilliseconds(100));
        limiter.When(1001).Should().Be(TimeSpan.FromMilliseconds(200));
        time.Advance(TimeSpan.FromSeconds(10));
        limiter.When(1002).Should().Be(TimeSpan.FromMilliseconds(5));
        limiter.NumRequeues(1000).Should().Be(1);
    }

    [Test]
    public async Task Rate_limited_queue_requeues_with_growing_delays_and_forget()
    {
        var time = new ManualTimeProvider();
        using var queue = new RateLimitingQueue<string>(new ItemExponentialFailureRateLimiter<string>(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60)), time);

        queue.AddRateLimited("k");
        time.Advance(TimeSpan.FromSeconds(1));
        var first = await queue.GetAsync();
        queue.Done(first.Item);
        queue.AddRateLimited("k");
        time.Advance(TimeSpan.FromSeconds(1.5));
        queue.Count.Should().Be(0, "the second retry waits 2 s");
        time.Advance(TimeSpan.FromSeconds(0.5));
        queue.Count.Should().Be(1);
        queue.NumRequeues("k").Should().Be(2);
        queue.Forget("k");
        queue.NumRequeues("k").Should().Be(0);
    }
}
