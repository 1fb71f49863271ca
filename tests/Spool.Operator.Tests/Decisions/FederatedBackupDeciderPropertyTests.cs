using FsCheck;
using FsCheck.Fluent;
using Spool.Api.V1Alpha1;
using Spool.Operator.Decisions;
using Spool.Operator.Scheduling;
using Spool.Operator.Tests.Support;

namespace Spool.Operator.Tests.Decisions;

/// <summary>
/// Properties of the federated order and of whole runs in which children finish or fail in any order while
/// workloads move between nodes and new ones appear.
/// </summary>
[TestFixture]
public sealed class FederatedBackupDeciderPropertyTests
{
    private const int Runs = 300;

    private static Arbitrary<int[]> Choices => Gen.ArrayOf(Gen.Choose(0, 9999)).ToArbitrary();

    [FsCheck.NUnit.Property(MaxTest = Runs)]
    public Property The_order_is_criticality_then_recent_node_failure_then_volumes_per_node_then_names() => Prop.ForAll(Choices, choices =>
    {
        var draw = new Draw(choices);
        var nodes = new[] { "n0", "n1", "n2", "n3" };
        var failures = nodes.Where(_ => draw.Chance(0.4)).ToDictionary(n => n, _ => Build.Epoch0.AddMinutes(-draw.Next(5)), StringComparer.Ordinal);
        var volumes = Enumerable.Range(0, 1 + draw.Next(12)).Select(i => new SelectedVolume
        {
            Namespace = draw.Chance(0.8) ? "apps" : "db",
            Claim = "c" + i,
            Criticality = draw.Next(3),
            Owner = draw.Chance(0.9) ? new OwnerResolution { Node = nodes[draw.Next(nodes.Length)] } : OwnerResolution.Wait(OwnerResolver.VolumeNotMounted, "not mounted"),
        }).ToList();
        var perNode = volumes.Where(v => v.Owner.Node is not null).GroupBy(v => v.Owner.Node!).ToDictionary(g => g.Key, g => g.Count());

        var sorted = FederatedOrder.Sort(volumes, failures);

        // The documented order, written independently.
        var expected = volumes
            .OrderByDescending(v => v.Criticality)
            .ThenBy(v => v.Owner.Node is null)
            .ThenBy(v => v.Owner.Node is null || !failures.ContainsKey(v.Owner.Node))
            .ThenByDescending(v => v.Owner.Node is { } n && failures.TryGetValue(n, out var t) ? t : DateTimeOffset.MinValue)
            .ThenByDescending(v => v.Owner.Node is { } n ? perNode[n] : 0)
            .ThenBy(v => v.Owner.Node, StringComparer.Ordinal)
            .ThenBy(v => v.Namespace, StringComparer.Ordinal)
            .ThenBy(v => v.Claim, StringComparer.Ordinal)
            .ToList();
        sorted.Should().Equal(expected);
        FederatedOrder.Sort(Enumerable.Reverse(volumes), failures).Should().Equal(sorted, "the order does not depend on the order of the input");
    });

    [FsCheck.NUnit.Property(MaxTest = Runs)]
    public Property A_run_respects_the_per_node_limit_and_the_order_and_ends_with_a_verification_that_adds_up() => Prop.ForAll(Choices, choices =>
    {
        var draw = new Draw(choices);
        var workloads = Enumerable.Range(0, 1 + draw.Next(10)).Select(i => ("w" + i, "n" + draw.Next(3))).ToList();
        var limit = 1 + draw.Next(2);
        var allowPartial = draw.Chance(0.5);
        var world = new FederatedWorld(workloads, limit, allowPartial);
        var added = 0;
        var everMissedOrFailed = false;

        for (var step = 0; step < 400 && !FederatedBackupDecider.IsTerminal(world.Status.Phase); step++)
        {
            var before = world.Children.Select(c => c.Metadata.Name).ToHashSet();
            var created = world.Step();
            CheckStep(world, created, limit);

            // A decision applied is a fixpoint: deciding again on the same world writes and creates nothing.
            var again = FederatedBackupDecider.Decide(world.Observe());
            again.Should().NotContain(a => a is UpdateBackupJobStatus || a is CreateBackupJob, "step {0}", step);

            // The world moves on: a child finishes or fails, a workload moves, a workload appears.
            var unfinished = world.Unfinished.ToList();
            if (unfinished.Count > 0 && draw.Chance(0.7))
            {
                var child = unfinished[draw.Next(unfinished.Count)];
                var ok = draw.Chance(0.85);
                everMissedOrFailed |= !ok;
                world.Finish(child.Metadata.Name!, ok);
            }

            if (draw.Chance(0.15) && world.Claims.Count > 0)
            {
                var claim = world.Claims[draw.Next(world.Claims.Count)].Metadata.Name!;
                world.Move(claim, "n" + draw.Next(3));
            }

            if (draw.Chance(0.05) && added < 3)
            {
                world.AddWorkload("late" + added++, "n" + draw.Next(3));
            }
        }

        var status = world.Status;
        FederatedBackupDecider.IsTerminal(status.Phase).Should().BeTrue("every run ends once its children end");
        if (status.Volumes is { Count: 0 })
        {
            return;
        }

        var v = status.Verification!;
        v.Missed.Should().Equal(v.Expected.Except(v.Captured).ToList(), "missed = expected - captured");
        v.Recovered.Should().BeSubsetOf(v.Missed);
        foreach (var key in v.Captured)
        {
            world.Children.Should().Contain(c => c.Metadata.Namespace + "/" + c.Spec.Source.PersistentVolumeClaim == key && c.Status!.Phase == BackupPhase.Succeeded, "captured {0} means a child backed it up", key);
        }

        foreach (var key in v.Recovered)
        {
            var task = status.Volumes!.Single(t => FederatedBackupDecider.Key(t) == key);
            task.Recovered.Should().BeTrue();
            task.Phase.Should().Be(BackupPhase.Succeeded);
            task.Job.Should().MatchRegex("-[0-9]{3}v(-|$)", "the check backs missed volumes up with recovery children");
        }

        var notRecovered = v.Missed.Except(v.Recovered).ToList();
        if (notRecovered.Count == 0)
        {
            status.Phase.Should().Be(BackupPhase.Succeeded);
        }
        else
        {
            everMissedOrFailed.Should().BeTrue("only a failed child leaves a volume unrecovered in this world");
            status.Phase.Should().Be(allowPartial ? BackupPhase.PartiallySucceeded : BackupPhase.Failed);
            var message = JobConditions.Find(status.Conditions, JobConditions.Ready)!.Message;
            foreach (var key in notRecovered)
            {
                message.Should().Contain(key, "the missed volumes are named");
            }
        }
    });

    /// <summary>No node gets more than its limit from a release, and a node's releases follow the run's order.</summary>
    private static void CheckStep(FederatedWorld world, IReadOnlyList<BackupJob> created, int limit)
    {
        var tasks = world.Status.Volumes ?? [];
        var createdNames = created.Select(c => c.Metadata.Name).ToHashSet();
        foreach (var node in tasks.Where(t => t.Job is not null && createdNames.Contains(t.Job)).Select(t => t.Node).Distinct())
        {
            tasks.Count(t => t.Node == node && FederatedBackupDecider.IsActive(t)).Should().BeLessThanOrEqualTo(limit, "a release never fills node {0} beyond its limit", node);
            var releasedHere = tasks.Where(t => t.Node == node && t.Job is not null && createdNames.Contains(t.Job)).Max(t => t.Order);
            var heldBack = tasks.Where(t => t.Node == node && t.Job is null && t.Message?.StartsWith("waiting for earlier volumes", StringComparison.Ordinal) == true).ToList();
            heldBack.Where(t => t.Order < releasedHere).Should().BeEmpty("a volume is never released before an earlier one of the same node");
        }
    }

    private sealed class Draw(int[] choices)
    {
        private int cursor;

        public int Next(int bound) => bound <= 1 ? 0 : (choices.Length == 0 ? cursor++ : choices[cursor++ % choices.Length] + cursor) % bound;

        public bool Chance(double p) => Next(1000) < p * 1000;
    }
}
