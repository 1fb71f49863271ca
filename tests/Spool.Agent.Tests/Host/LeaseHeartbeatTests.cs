using Spool.Agent.Host;
using Spool.Agent.Host.Heartbeat;
using Spool.Agent.Host.Logging;
using Spool.Agent.Tests.Host.Fakes;
using Spool.Api.Core;
using Spool.Testing;

namespace Spool.Agent.Tests.Host;

public sealed class LeaseHeartbeatTests
{
    [Test]
    public async Task Creates_then_renews_the_node_lease_with_micro_time()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 11, 22, 4, 0, 0, TimeSpan.Zero));
        var client = new FakeKubernetesClient();
        var heartbeat = new LeaseHeartbeat(client, Options(), time, AgentLog.Null);

        await heartbeat.TickAsync(time.GetUtcNow(), CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(2));
        await heartbeat.TickAsync(time.GetUtcNow(), CancellationToken.None);

        var lease = client.Peek<Lease>("spool-agent-node-a", "spool-system")!;
        lease.Spec.HolderIdentity.Should().Be("node-a/agent-0");
        lease.Spec.LeaseDurationSeconds.Should().Be(6);
        lease.Spec.RenewTime.Should().Be(time.GetUtcNow());
        lease.Spec.AcquireTime.Should().Be(time.GetUtcNow().AddSeconds(-2));
        heartbeat.IsHealthy.Should().BeTrue();
    }

    [Test]
    public async Task A_new_holder_identity_counts_a_transition()
    {
        var time = new ManualTimeProvider();
        var client = new FakeKubernetesClient();
        client.Put(new Lease { Metadata = new() { Name = "spool-agent-node-a", Namespace = "spool-system" }, Spec = new LeaseSpec { HolderIdentity = "node-a/old-pod", LeaseTransitions = 2 } });
        var heartbeat = new LeaseHeartbeat(client, Options(), time, AgentLog.Null);

        await heartbeat.TickAsync(time.GetUtcNow(), CancellationToken.None);

        var lease = client.Peek<Lease>("spool-agent-node-a", "spool-system")!;
        lease.Spec.HolderIdentity.Should().Be("node-a/agent-0");
        lease.Spec.LeaseTransitions.Should().Be(3);
    }

    [Test]
    public async Task Renewals_failing_longer_than_the_duration_declare_the_lease_lost_and_a_renewal_regains_it()
    {
        var time = new ManualTimeProvider();
        var client = new FailingClient();
        var heartbeat = new LeaseHeartbeat(client, Options(), time, AgentLog.Null);
        var lost = 0;
        var regained = 0;
        heartbeat.LeaseLost += () => lost++;
        heartbeat.LeaseRegained += () => regained++;
        var started = time.GetUtcNow();

        await heartbeat.TickAsync(started, CancellationToken.None);
        client.Failing = true;
        for (var i = 0; i < 3; i++)
        {
            time.Advance(TimeSpan.FromSeconds(2));
            await heartbeat.TickAsync(started, CancellationToken.None);
        }

        lost.Should().Be(0, "6 s without renewal is still within the lease duration");
        time.Advance(TimeSpan.FromSeconds(2));
        await heartbeat.TickAsync(started, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(2));
        await heartbeat.TickAsync(started, CancellationToken.None);
        lost.Should().Be(1);
        heartbeat.IsHealthy.Should().BeFalse();

        client.Failing = false;
        await heartbeat.TickAsync(started, CancellationToken.None);
        regained.Should().Be(1);
        heartbeat.IsHealthy.Should().BeTrue();
    }

    private static AgentOptions Options() => new() { NodeName = "node-a", Identity = "node-a/agent-0" };

    private sealed class FailingClient : Spool.Kube.IKubernetesClient
    {
        private readonly FakeKubernetesClient _inner = new();

        public bool Failing { get; set; }

        public Task<T?> GetAsync<T>(string name, string? @namespace = null, CancellationToken cancellationToken = default)
            where T : class, Spool.Api.IKubernetesObject => Failing ? throw new HttpRequestException("connection refused") : _inner.GetAsync<T>(name, @namespace, cancellationToken);

        public Task<Spool.Api.EntityList<T>> ListAsync<T>(string? @namespace = null, Spool.Kube.ListOptions? options = null, CancellationToken cancellationToken = default)
            where T : class, Spool.Api.IKubernetesObject => _inner.ListAsync<T>(@namespace, options, cancellationToken);

        public Task<Spool.Api.EntityList<T>> ListAllAsync<T>(string? @namespace = null, Spool.Kube.ListOptions? options = null, CancellationToken cancellationToken = default)
            where T : class, Spool.Api.IKubernetesObject => _inner.ListAllAsync<T>(@namespace, options, cancellationToken);

        public Task<T> CreateAsync<T>(T entity, CancellationToken cancellationToken = default)
            where T : class, Spool.Api.IKubernetesObject => Failing ? throw new HttpRequestException("connection refused") : _inner.CreateAsync(entity, cancellationToken);

        public Task<T> UpdateAsync<T>(T entity, CancellationToken cancellationToken = default)
            where T : class, Spool.Api.IKubernetesObject => Failing ? throw new HttpRequestException("connection refused") : _inner.UpdateAsync(entity, cancellationToken);

        public Task<T> UpdateStatusAsync<T>(T entity, CancellationToken cancellationToken = default)
            where T : class, Spool.Api.IKubernetesObject => _inner.UpdateStatusAsync(entity, cancellationToken);

        public Task<T> PatchAsync<T>(string name, string? @namespace, Spool.Kube.KubePatch patch, string? subresource = null, CancellationToken cancellationToken = default)
            where T : class, Spool.Api.IKubernetesObject => _inner.PatchAsync<T>(name, @namespace, patch, subresource, cancellationToken);

        public Task<bool> DeleteAsync<T>(string name, string? @namespace = null, Spool.Kube.DeleteOptions? options = null, CancellationToken cancellationToken = default)
            where T : class, Spool.Api.IKubernetesObject => _inner.DeleteAsync<T>(name, @namespace, options, cancellationToken);

        public IAsyncEnumerable<Spool.Api.WatchEvent<T>> WatchAsync<T>(string? @namespace = null, Spool.Kube.WatchOptions? options = null, CancellationToken cancellationToken = default)
            where T : class, Spool.Api.IKubernetesObject => _inner.WatchAsync<T>(@namespace, options, cancellationToken);

        public Spool.Kube.IResourceClient Resource(Spool.Kube.ResourceDescriptor resource) => _inner.Resource(resource);
    }
}
