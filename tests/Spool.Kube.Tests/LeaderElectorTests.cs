using Spool.Api.Core;
using Spool.Kube.LeaderElection;
using Spool.Testing;

namespace Spool.Kube.Tests;

public sealed class LeaderElectorTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);
    private ManualTimeProvider _time = new();
    private InMemoryKubernetesClient _api = new();

    [SetUp]
    public void Fresh()
    {
        _time = new ManualTimeProvider();
        _api = new InMemoryKubernetesClient();
    }

    [TestCase(10, 10, 2)]
    [TestCase(15, 16, 2)]
    [TestCase(15, 10, 9)]
    [TestCase(15, 2.4, 2)]
    public void Rejects_timings_that_break_the_safety_rules(double lease, double renew, double retry)
    {
        var config = Config("a") with
        {
            LeaseDuration = TimeSpan.FromSeconds(lease),
            RenewDeadline = TimeSpan.FromSeconds(renew),
            RetryPeriod = TimeSpan.FromSeconds(retry),
        };

        FluentActions.Invoking(() => new LeaderElector(_api, config)).Should().Throw<ArgumentException>();
    }

    [Test]
    public void Accepts_the_client_go_defaults() =>
        FluentActions.Invoking(() => new LeaderElector(_api, Config("a"))).Should().NotThrow();

    [Test]
    public async Task Acquires_a_missing_lease_and_renews_it()
    {
        var leaders = new List<string>();
        using var stop = new CancellationTokenSource();
        var started = new TaskCompletionSource<CancellationToken>();
        var elector = new LeaderElector(_api, Config("a") with
        {
            OnStartedLeading = ct => { started.TrySetResult(ct); return Task.CompletedTask; },
            OnNewLeader = leaders.Add,
        }, timeProvider: _time);

        var run = elector.RunAsync(stop.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        elector.IsLeader.Should().BeTrue();
        leaders.Should().Equal("a");
        var lease = (await _api.GetAsync<Lease>("spool-leader", "spool"))!;
        lease.Spec.HolderIdentity.Should().Be("a");
        lease.Spec.LeaseDurationSeconds.Should().Be(15);
        lease.Spec.LeaseTransitions.Should().Be(0);
        var firstRenew = lease.Spec.RenewTime;

        await AdvanceAsync(TimeSpan.FromSeconds(2.1));

        var renewed = (await _api.GetAsync<Lease>("spool-leader", "spool"))!;
        renewed.Spec.RenewTime.Should().BeAfter(firstRenew!.Value);
        renewed.Spec.AcquireTime.Should().Be(lease.Spec.AcquireTime, "renewing keeps the acquire time");
        renewed.Spec.LeaseTransitions.Should().Be(0);
        await stop.CancelAsync();
        (await run.WaitAsync(TimeSpan.FromSeconds(10))).Should().BeTrue();
    }

    [Test]
    public async Task A_candidate_waits_while_the_leader_renews()
    {
        using var stop = new CancellationTokenSource();
        var a = new LeaderElector(_api, Config("a"), timeProvider: _time);
        var b = new LeaderElector(_api, Config("b"), timeProvider: _time);
        var runA = a.RunAsync(stop.Token);
        await Eventually.True(() => a.IsLeader);
        var runB = b.RunAsync(stop.Token);

        await AdvanceAsync(TimeSpan.FromSeconds(60));

        a.IsLeader.Should().BeTrue();
        b.IsLeader.Should().BeFalse();
        b.ObservedLeader.Should().Be("a");
        await stop.CancelAsync();
        await Task.WhenAll(runA, runB).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Test]
    public async Task Losing_the_api_cancels_the_leader_token_at_the_renew_deadline_and_a_candidate_takes_over()
    {
        using var stop = new CancellationTokenSource();
        var partitioned = new PartitionableClient(_api);
        var leaderToken = new TaskCompletionSource<CancellationToken>();
        var stopped = 0;
        var a = new LeaderElector(partitioned, Config("a") with
        {
            OnStartedLeading = ct => { leaderToken.TrySetResult(ct); return Task.Delay(Timeout.InfiniteTimeSpan, ct); },
            OnStoppedLeading = () => Interlocked.Increment(ref stopped),
        }, timeProvider: _time);
        var b = new LeaderElector(_api, Config("b"), timeProvider: _time);
        var runA = a.RunAsync(stop.Token);
        var token = await leaderToken.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var lastRenew = (await _api.GetAsync<Lease>("spool-leader", "spool"))!.Spec.RenewTime!.Value;
        var runB = b.RunAsync(stop.Token);
        await AdvanceAsync(TimeSpan.FromSeconds(1));

        partitioned.Partitioned = true;
        await AdvanceTo(lastRenew + TimeSpan.FromSeconds(10) - Step);
        token.IsCancellationRequested.Should().BeFalse("the renew deadline has not passed yet");
        await AdvanceAsync(Step);
        await Eventually.True(() => token.IsCancellationRequested, because: "the deadline passed without a renew");
        (await runA.WaitAsync(TimeSpan.FromSeconds(10))).Should().BeTrue();
        a.IsLeader.Should().BeFalse();
        stopped.Should().Be(1);

        b.IsLeader.Should().BeFalse("the lease has not expired for b yet");
        await AdvanceAsync(TimeSpan.FromSeconds(10));
        await Eventually.True(() => b.IsLeader);
        var lease = (await _api.GetAsync<Lease>("spool-leader", "spool"))!;
        lease.Spec.HolderIdentity.Should().Be("b");
        lease.Spec.LeaseTransitions.Should().Be(1);
        await stop.CancelAsync();
        await runB.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Test]
    public async Task Observing_another_holder_ends_leadership_at_the_next_renew()
    {
        using var stop = new CancellationTokenSource();
        var leaderToken = new TaskCompletionSource<CancellationToken>();
        var a = new LeaderElector(_api, Config("a") with
        {
            OnStartedLeading = ct => { leaderToken.TrySetResult(ct); return Task.CompletedTask; },
        }, timeProvider: _time);
        var run = a.RunAsync(stop.Token);
        var token = await leaderToken.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var lease = (await _api.GetAsync<Lease>("spool-leader", "spool"))!;
        await _api.UpdateAsync(lease with { Spec = lease.Spec with { HolderIdentity = "intruder", RenewTime = _time.GetUtcNow() } });
        await AdvanceAsync(TimeSpan.FromSeconds(2));

        await Eventually.True(() => token.IsCancellationRequested);
        (await run.WaitAsync(TimeSpan.FromSeconds(10))).Should().BeTrue();
        a.ObservedLeader.Should().Be("intruder");
        (await _api.GetAsync<Lease>("spool-leader", "spool"))!.Spec.HolderIdentity.Should().Be("intruder", "losing leadership does not release someone else's lease");
    }

    [Test]
    public async Task Shutdown_releases_the_lease_and_hands_over_inside_one_lease_duration()
    {
        using var stopA = new CancellationTokenSource();
        using var stopB = new CancellationTokenSource();
        var bLeaders = new List<string>();
        var a = new LeaderElector(_api, Config("a"), timeProvider: _time);
        var b = new LeaderElector(_api, Config("b") with { OnNewLeader = bLeaders.Add }, timeProvider: _time);
        var runA = a.RunAsync(stopA.Token);
        await Eventually.True(() => a.IsLeader);
        var runB = b.RunAsync(stopB.Token);
        await AdvanceAsync(TimeSpan.FromSeconds(3));

        await stopA.CancelAsync();
        (await runA.WaitAsync(TimeSpan.FromSeconds(10))).Should().BeTrue();
        var released = (await _api.GetAsync<Lease>("spool-leader", "spool"))!;
        released.Spec.HolderIdentity.Should().BeEmpty();
        released.Spec.LeaseDurationSeconds.Should().Be(1);
        var handOverStart = _time.GetUtcNow();

        while (!b.IsLeader && _time.GetUtcNow() - handOverStart < TimeSpan.FromSeconds(15))
        {
            await AdvanceAsync(Step);
        }

        b.IsLeader.Should().BeTrue();
        (_time.GetUtcNow() - handOverStart).Should().BeLessThanOrEqualTo(TimeSpan.FromSeconds(2 * 2.2 + 0.2), "a released lease is taken at the next jittered retry");
        bLeaders.Should().Equal("a", "b");
        await stopB.CancelAsync();
        await runB.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Test]
    public async Task Two_candidates_racing_for_a_free_lease_produce_one_leader()
    {
        using var stop = new CancellationTokenSource();
        var electors = Enumerable.Range(0, 5).Select(i => new LeaderElector(_api, Config($"c{i}"), timeProvider: _time)).ToList();
        var runs = electors.Select(e => Task.Run(() => e.RunAsync(stop.Token))).ToList();

        await Eventually.True(() => electors.Any(e => e.IsLeader));
        await AdvanceAsync(TimeSpan.FromSeconds(30));

        electors.Count(e => e.IsLeader).Should().Be(1);
        var holder = (await _api.GetAsync<Lease>("spool-leader", "spool"))!.Spec.HolderIdentity;
        electors.Single(e => e.IsLeader).Config.Identity.Should().Be(holder);
        await stop.CancelAsync();
        await Task.WhenAll(runs).WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static LeaderElectionConfig Config(string identity) => new()
    {
        LeaseName = "spool-leader",
        LeaseNamespace = "spool",
        Identity = identity,
    };

    private Task AdvanceTo(DateTimeOffset target) => AdvanceAsync(target - _time.GetUtcNow());

    /// <summary>Moves fake time in small steps, letting the electors' continuations run between steps.</summary>
    private async Task AdvanceAsync(TimeSpan total)
    {
        var end = _time.GetUtcNow() + total;
        while (_time.GetUtcNow() < end)
        {
            var step = end - _time.GetUtcNow() < Step ? end - _time.GetUtcNow() : Step;
            _time.Advance(step);
            await Task.Delay(TimeSpan.FromMilliseconds(3), TimeProvider.System);
        }
    }
}
