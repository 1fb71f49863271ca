using FsCheck;
using FsCheck.Fluent;
using Spool.Api.V1Alpha1;
using Spool.Operator.Decisions;
using Spool.Operator.Tests.Support;

namespace Spool.Operator.Tests.Decisions;

/// <summary>
/// Properties of whole federated restores in which children start, finish, fail or stall in any order while workloads move,
/// stop and start on any node, under every placement and active-workload policy.
/// </summary>
[TestFixture]
public sealed class FederatedRestoreDeciderPropertyTests
{
    private const int Runs = 300;

    private static Arbitrary<int[]> Choices => Gen.ArrayOf(Gen.Choose(0, 9999)).ToArbitrary();

    [FsCheck.NUnit.Property(MaxTest = Runs)]
    public Property A_restore_runs_one_child_at_a_time_never_leaves_a_workload_on_two_nodes_converges_and_ends_with_every_workload_restored_or_named() => Prop.ForAll(Choices, choices =>
    {
        var draw = new Draw(choices);
        string? NodeOrNone() => draw.Chance(0.25) ? null : "n" + draw.Next(3);
        var workloads = Enumerable.Range(0, 1 + draw.Next(7)).Select(i => ("w" + i, NodeOrNone())).ToList();
        var notCaptured = workloads.Where(_ => draw.Chance(0.15)).Select(w => w.Item1).ToList();
        var volumes = draw.Chance(0.3) ? workloads.Where(_ => draw.Chance(0.6)).Select(w => draw.Chance(0.5) ? w.Item1 : "sts-" + w.Item1).ToList() : null;
        var placement = draw.Next(3) switch
        {
            0 => null,
            1 => new RestorePlacement { NodeName = "n" + draw.Next(3) },
            _ => new RestorePlacement { Mode = RestorePlacementMode.Node, NodeName = "n" + draw.Next(3) },
        };
        var policy = draw.Chance(0.5) ? ActiveWorkloadPolicy.Wait : ActiveWorkloadPolicy.Refuse;
        var world = new RestoreWorld(workloads, volumes is { Count: > 0 } ? volumes : null, placement, policy, notCaptured);

        for (var step = 0; step < 400 && !FederatedRestoreDecider.IsTerminal(world.Status.Phase); step++)
        {
            world.Step();
            CheckStep(world, placement, step);

            // A decision applied is a fixpoint: deciding again on the same world writes, stops and creates nothing.
            FederatedRestoreDecider.Decide(world.Observe()).Should().NotContain(a => a is UpdateRestoreJobStatus || a is CreateRestoreJob || a is DeleteRestoreJob, "step {0}", step);

            // Late in the run every child moves on, so that the run ends whatever the draws.
            var late = step >= 200;
            var unfinished = world.Unfinished.ToList();
            if (unfinished.Count > 0 && (late || draw.Chance(0.6)))
            {
                var child = unfinished[draw.Next(unfinished.Count)];
                if (!late && child.Status?.Phase != RestorePhase.Running && draw.Chance(0.05))
                {
                    world.Stall(child.Metadata.Name!);
                }
                else if (child.Status?.Phase != RestorePhase.Running && (late || draw.Chance(0.6)))
                {
                    world.Start(child.Metadata.Name!);
                }
                else
                {
                    world.Finish(child.Metadata.Name!, draw.Chance(0.85));
                }
            }

            // Workloads move, stop and start; late in the run only a workload the restore waits for is stopped.
            if (!late && draw.Chance(0.2))
            {
                world.Move(workloads[draw.Next(workloads.Count)].Item1, NodeOrNone());
            }
            else if (late && world.Status.Phase == RestorePhase.Waiting)
            {
                world.Move(world.Status.Workloads!.First(w => w.Phase == RestorePhase.Waiting).PersistentVolumeClaim, null);
            }
        }

        var status = world.Status;
        FederatedRestoreDecider.IsTerminal(status.Phase).Should().BeTrue("every restore ends once its children end");
        var expected = volumes is { Count: > 0 }
            ? workloads.Select(w => w.Item1).Where(c => volumes.Contains(c) || volumes.Contains("sts-" + c)).ToList()
            : workloads.Select(w => w.Item1).ToList();
        status.Workloads!.Select(w => w.PersistentVolumeClaim).Should().Equal(expected, "the selected workloads, in the run's order");
        var message = JobConditions.Find(status.Conditions, JobConditions.Ready)!.Message!;
        foreach (var w in status.Workloads!)
        {
            if (w.Phase == RestorePhase.Succeeded)
            {
                world.Children.Should().ContainSingle(c => c.Metadata.Name == w.Job && c.Status!.Phase == RestorePhase.Succeeded, "restored {0} means its child restored it", w.PersistentVolumeClaim);
                notCaptured.Should().NotContain(w.PersistentVolumeClaim, "a volume the run missed has nothing to restore");
            }
            else
            {
                w.Phase.Should().Be(RestorePhase.Failed);
                w.Message.Should().NotBeNullOrEmpty("a workload not restored says why");
                message.Should().Contain($"{w.Namespace}/{w.PersistentVolumeClaim}", "the workloads not restored are named");
            }
        }

        var restored = status.Workloads!.Count(w => w.Phase == RestorePhase.Succeeded);
        status.Phase.Should().Be(restored == status.Workloads!.Count ? RestorePhase.Succeeded : restored > 0 ? RestorePhase.PartiallySucceeded : RestorePhase.Failed);
    });

    /// <summary>At most one child runs, and no child mounts a workload's claim on one node while the workload runs on another.</summary>
    private static void CheckStep(RestoreWorld world, RestorePlacement? placement, int step)
    {
        var unfinished = world.Unfinished.ToList();
        unfinished.Should().HaveCountLessThanOrEqualTo(1, "workloads are restored one at a time (step {0})", step);
        (world.Status.Workloads ?? []).Count(FederatedRestoreDecider.IsActive).Should().BeLessThanOrEqualTo(1);
        foreach (var child in unfinished)
        {
            var claim = child.Spec.Target!.PersistentVolumeClaim!;
            var mounter = world.Pods.FirstOrDefault(p => p.Metadata.Labels?.GetValueOrDefault(MounterPods.Label) == child.Metadata.Name);
            var via = placement?.Mode == RestorePlacementMode.Node ? placement.NodeName : mounter?.Spec.NodeName;
            var workloadNode = world.NodeOf(claim);
            if (via is not null && workloadNode is not null)
            {
                workloadNode.Should().Be(via, "a restore that mounts {0} itself never runs while the workload is active on another node (step {1})", claim, step);
            }
        }
    }

    private sealed class Draw(int[] choices)
    {
        private int cursor;

        public int Next(int bound) => bound <= 1 ? 0 : (choices.Length == 0 ? cursor++ : choices[cursor++ % choices.Length] + cursor) % bound;

        public bool Chance(double p) => Next(1000) < p * 1000;
    }
}
