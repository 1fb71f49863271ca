using Spool.Api;
using Spool.Api.Core;
using Spool.Operator.Controllers;
using Spool.Operator.Decisions;
using Spool.Testing;

namespace Spool.Operator.Tests.Controllers;

[TestFixture]
public sealed class LeaseObservationsTests
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(6);

    private static Lease Lease(DateTimeOffset renewed) => new()
    {
        Metadata = new ObjectMeta { Name = "spool-agent-n1", Namespace = "spool-system" },
        Spec = new LeaseSpec { HolderIdentity = "n1", LeaseDurationSeconds = 6, RenewTime = renewed, AcquireTime = renewed },
    };

    private static ClusterSnapshot Cluster(ManualTimeProvider time, Lease lease, LeaseObservations? seen) => new()
    {
        Nodes = [new Node { Metadata = new ObjectMeta { Name = "n1" }, Status = new NodeStatus { Conditions = [new NodeCondition { Type = "Ready", Status = "True" }] } }],
        AgentLeases = [lease],
        AgentLeaseRenewalsSeen = seen?.SeenRenewals([lease]) ?? new Dictionary<string, DateTimeOffset>(),
        Now = time.GetUtcNow(),
        Settings = new OperatorSettings { AgentNamespace = "spool-system" },
    };

    [TestCase(-3600)]
    [TestCase(3600)]
    public void A_lease_stamped_by_a_skewed_clock_lives_its_duration_from_when_its_renewal_was_seen(int skewSeconds)
    {
        var time = new ManualTimeProvider(DateTimeOffset.Parse("2026-03-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var seen = new LeaseObservations(time);
        var lease = Lease(time.GetUtcNow() + TimeSpan.FromSeconds(skewSeconds));
        seen.Observe(lease, Duration);

        time.Advance(TimeSpan.FromSeconds(5));
        NodeHealth.Check(Cluster(time, lease, seen), "n1").Should().BeNull();

        time.Advance(TimeSpan.FromSeconds(2));
        NodeHealth.Check(Cluster(time, lease, seen), "n1")!.Value.Reason.Should().Be(NodeHealth.AgentLeaseExpired, "the same renewTime seen again is not a renewal");

        var renewed = lease with { Spec = lease.Spec with { RenewTime = lease.Spec.RenewTime!.Value.AddSeconds(7) } };
        seen.Observe(renewed, Duration).Should().BeTrue("the lease comes back from expiry");
        NodeHealth.Check(Cluster(time, renewed, seen), "n1").Should().BeNull();
    }

    [Test]
    public void Without_sightings_the_lease_is_judged_by_its_renew_time()
    {
        var time = new ManualTimeProvider(DateTimeOffset.Parse("2026-03-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var lease = Lease(time.GetUtcNow() - TimeSpan.FromSeconds(7));
        NodeHealth.Check(Cluster(time, lease, null), "n1")!.Value.Reason.Should().Be(NodeHealth.AgentLeaseExpired);
    }

    [Test]
    public void A_renewal_of_a_live_lease_is_not_a_return()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        var seen = new LeaseObservations(time);
        var lease = Lease(time.GetUtcNow());
        seen.Observe(lease, Duration).Should().BeTrue("a first sighting");
        time.Advance(TimeSpan.FromSeconds(2));
        seen.Observe(lease with { Spec = lease.Spec with { RenewTime = time.GetUtcNow() } }, Duration).Should().BeFalse();
    }
}
