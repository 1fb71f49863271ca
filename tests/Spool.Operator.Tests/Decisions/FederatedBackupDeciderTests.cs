using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.Operator.Decisions;
using Spool.Operator.Scheduling;
using Spool.Operator.Tests.Support;

namespace Spool.Operator.Tests.Decisions;

[TestFixture]
public sealed class FederatedBackupDeciderTests
{
    [Test]
    public void The_plan_lists_every_selected_volume_and_releases_one_child_per_node_in_order()
    {
        var world = new FederatedWorld([("a", "n0"), ("b", "n0"), ("c", "n1"), ("d", "n2"), ("e", "n0")]);
        world.AddWorkload("ignored", "n1", matches: false);

        var created = world.Step();

        world.Status.Phase.Should().Be(BackupPhase.Running);
        world.Status.Volumes!.Select(v => v.PersistentVolumeClaim).Should().Equal(["a", "b", "e", "c", "d"], "n0 has the most volumes, then n1 and n2 by name");
        world.Status.Volumes!.Select(v => v.Order).Should().Equal([0, 1, 2, 3, 4]);
        created.Select(c => c.Spec.Source.PersistentVolumeClaim).Should().Equal(["a", "c", "d"], "one stream per node by default");
        var child = created[0];
        child.Metadata.Name.Should().Be("nightly-000-a");
        child.Metadata.Namespace.Should().Be(FederatedWorld.Ns);
        child.Metadata.Labels![SpoolGroup.ParentLabel].Should().Be("nightly");
        child.Metadata.Annotations![FederatedBackupDecider.ParentAnnotation].Should().Be("apps/nightly");
        child.Metadata.Annotations![FederatedBackupDecider.ParentUidAnnotation].Should().Be(world.Job.Metadata.Uid);
        child.Metadata.OwnerReferences.Should().ContainSingle(o => o.Uid == world.Job.Metadata.Uid && o.Controller == true);
        child.Spec.Source.Selector.Should().BeNull();
        child.Spec.Destination.Should().Be(world.Job.Spec.Destination);
        world.LastActions[0].Should().BeOfType<UpdateBackupJobStatus>("the status is written before any child is created");
        world.LastActions.OfType<RecordEvent>().Should().ContainSingle(e => e.Reason == FederatedBackupDecider.FanningOut);

        // Nothing changes: no write, no create.
        world.Step().Should().BeEmpty();
        world.LastActions.Should().NotContain(a => a is UpdateBackupJobStatus || a is CreateBackupJob);
    }

    [Test]
    public void A_node_takes_its_next_volume_when_the_previous_one_finishes_and_the_parent_mirrors_the_child()
    {
        var world = new FederatedWorld([("a", "n0"), ("b", "n0")]);
        world.Step();
        world.Start("nightly-000-a");
        world.Step().Should().BeEmpty("n0 still runs a");
        var running = world.Status.Volumes![0];
        running.Phase.Should().Be(BackupPhase.Running);
        running.Node.Should().Be("n0");
        world.Status.Volumes![1].Message.Should().Contain("waiting for earlier volumes");

        world.Finish("nightly-000-a");
        world.Step().Select(c => c.Metadata.Name).Should().Equal(["nightly-001-b"]);
        var done = world.Status.Volumes![0];
        done.Phase.Should().Be(BackupPhase.Succeeded);
        done.BackupId.Should().Be("b-nightly-000-a");
        done.BytesDone.Should().Be(100);
        done.Attempts.Should().Be(1);
        world.Status.Progress!.Size.Should().Be("1/2 volumes");
    }

    [Test]
    public void MaxConcurrentPerNode_lets_several_children_of_a_node_run_at_once()
    {
        var world = new FederatedWorld([("a", "n0"), ("b", "n0"), ("c", "n0")], maxPerNode: 2);
        world.Step().Select(c => c.Spec.Source.PersistentVolumeClaim).Should().Equal(["a", "b"]);
    }

    [Test]
    public void A_volume_that_appears_during_the_run_is_caught_by_the_end_of_run_check()
    {
        var world = new FederatedWorld([("a", "n0"), ("b", "n1"), ("c", "n1")]);
        world.Step().Select(c => c.Metadata.Name).Should().Equal(["nightly-000-b", "nightly-002-a"]);
        world.Finish("nightly-002-a");
        world.Finish("nightly-000-b");
        world.Step().Select(c => c.Metadata.Name).Should().Equal(["nightly-001-c"]);

        // A fourth matching workload appears while c runs.
        world.AddWorkload("d", "n1");
        world.Finish("nightly-001-c");
        world.Step();
        world.Status.Phase.Should().Be(BackupPhase.Verifying, "the pass is over: nothing runs and nothing more can be released");
        world.Status.Verification!.Missed.Should().Equal(["apps/d"], "d appeared during the run");
        world.Status.Verification.Captured.Should().Equal(["apps/a", "apps/b", "apps/c"]);
        world.Unfinished.Select(c => c.Metadata.Name).Should().Equal(["nightly-003v-d"]);

        world.Finish("nightly-003v-d");
        world.Step();
        world.Status.Phase.Should().Be(BackupPhase.Succeeded);
        world.Status.Verification!.Recovered.Should().Equal(["apps/d"]);
        world.Status.Volumes!.Single(v => v.PersistentVolumeClaim == "d").Recovered.Should().BeTrue();
        JobConditions.Find(world.Status.Conditions, JobConditions.Succeeded)!.Reason.Should().Be(FederatedBackupDecider.AllVolumesCaptured);
        world.Status.CompletionTime.Should().NotBeNull();
    }

    [Test]
    public void A_move_into_a_node_whose_pass_goes_on_joins_that_pass_and_a_move_into_a_finished_node_waits_for_the_check()
    {
        // n0: a, b ; n1: c ; n2: d, e, f
        var world = new FederatedWorld([("a", "n0"), ("b", "n0"), ("c", "n1"), ("d", "n2"), ("e", "n2"), ("f", "n2")]);
        world.Step();
        var names = world.Status.Volumes!.ToDictionary(v => v.PersistentVolumeClaim, v => v.Order);
        string Child(string claim) => FederatedBackupDecider.ChildName("nightly", names[claim], claim, false);

        world.Finish(Child("c"));
        world.Step();

        // n1's pass is over. e moves to n1 (finished), f moves to n0 (still going: b waits there).
        world.Move("e", "n1");
        world.Move("f", "n0");
        world.Finish(Child("d"));
        world.Finish(Child("a"));
        var created = world.Step();
        created.Select(c => c.Spec.Source.PersistentVolumeClaim).Should().Equal(["f"], "f joins n0's pass and keeps its place in the order (before b); e waits for the check");
        var e = world.Status.Volumes!.Single(v => v.PersistentVolumeClaim == "e");
        e.Job.Should().BeNull();
        e.Message.Should().Contain("after the pass over n1 ended");
        world.Status.Volumes!.Single(v => v.PersistentVolumeClaim == "f").Node.Should().Be("n0");
        world.Status.Volumes!.Single(v => v.PersistentVolumeClaim == "b").Message.Should().Contain("waiting for earlier volumes");

        world.Finish(Child("f"));
        world.Step().Select(c => c.Spec.Source.PersistentVolumeClaim).Should().Equal(["b"]);
        world.Finish(Child("b"));
        world.Step();

        world.Status.Phase.Should().Be(BackupPhase.Verifying);
        world.Status.Verification!.Missed.Should().Equal(["apps/e"]);
        var recovery = world.Unfinished.Single();
        recovery.Spec.Source.PersistentVolumeClaim.Should().Be("e");
        world.Status.Volumes!.Single(v => v.PersistentVolumeClaim == "e").Node.Should().Be("n1", "recovered on the node it runs on now");
        world.Finish(recovery.Metadata.Name!);
        world.Step();
        world.Status.Phase.Should().Be(BackupPhase.Succeeded);
    }

    [Test]
    public void A_pod_recreated_on_the_same_node_before_its_turn_has_not_moved_and_is_captured_in_the_pass()
    {
        // n0: a, b ; n1: c
        var world = new FederatedWorld([("a", "n0"), ("b", "n0"), ("c", "n1")]);
        world.Step();
        var names = world.Status.Volumes!.ToDictionary(v => v.PersistentVolumeClaim, v => v.Order);
        string Child(string claim) => FederatedBackupDecider.ChildName("nightly", names[claim], claim, false);

        // b's pod is deleted (a restart, an eviction) while a runs, and is not back before a finishes.
        world.Pods.RemoveAll(p => p.Spec.Volumes![0].PersistentVolumeClaim!.ClaimName == "b");
        world.Step().Should().BeEmpty();
        var waiting = world.Status.Volumes!.Single(v => v.PersistentVolumeClaim == "b");
        waiting.Job.Should().BeNull();
        waiting.Node.Should().Be("n0", "the task keeps the node its workload was last seen on");
        waiting.Message.Should().NotBeNullOrEmpty("it says why it waits");
        world.Finish(Child("a"));
        world.Step().Should().BeEmpty("b's volume is mounted nowhere");

        world.Move("b", "n0");
        world.Step().Select(c => c.Spec.Source.PersistentVolumeClaim).Should().Equal(["b"], "a pod back on the same node did not move: its task is released in the pass");
        world.Finish(Child("b"));
        world.Finish(Child("c"));
        world.Step();
        world.Step();

        world.Status.Phase.Should().Be(BackupPhase.Succeeded);
        world.Status.Verification!.Missed.Should().BeEmpty();
        world.Status.Verification.Captured.Should().Equal(["apps/a", "apps/b", "apps/c"]);
    }

    [Test]
    public void A_move_that_passes_through_no_node_is_named_from_the_node_it_left()
    {
        // n0: a, b ; n1: c
        var world = new FederatedWorld([("a", "n0"), ("b", "n0"), ("c", "n1")]);
        world.Step();
        var names = world.Status.Volumes!.ToDictionary(v => v.PersistentVolumeClaim, v => v.Order);
        world.Finish(FederatedBackupDecider.ChildName("nightly", names["c"], "c", false));
        world.Step();

        // b's pod is deleted, observed gone, then created on n1, whose pass has ended.
        world.Pods.RemoveAll(p => p.Spec.Volumes![0].PersistentVolumeClaim!.ClaimName == "b");
        world.Step();
        world.Move("b", "n1");
        world.Step().Should().BeEmpty();
        world.Status.Volumes!.Single(v => v.PersistentVolumeClaim == "b").Message.Should().Be("moved from n0 to n1 after the pass over n1 ended; the end-of-run check backs it up");
    }

    [TestCase(true, BackupPhase.PartiallySucceeded)]
    [TestCase(false, BackupPhase.Failed)]
    public void A_volume_that_fails_again_in_the_check_ends_the_run_partial_or_failed_per_spec(bool allowPartial, BackupPhase expected)
    {
        var world = new FederatedWorld([("a", "n0"), ("b", "n1")], allowPartial: allowPartial);
        world.Step();
        world.Finish("nightly-000-a");
        world.Finish("nightly-001-b", succeeded: false);
        world.Step();
        world.Status.Phase.Should().Be(BackupPhase.Verifying);
        world.Status.Verification!.Missed.Should().Equal(["apps/b"]);
        world.Finish("nightly-001v-b", succeeded: false);
        world.Step();

        world.Status.Phase.Should().Be(expected);
        world.Status.Verification!.Recovered.Should().BeEmpty();
        var condition = JobConditions.Find(world.Status.Conditions, allowPartial ? JobConditions.Succeeded : JobConditions.Failed)!;
        condition.Status.Should().Be(ConditionStatus.True);
        condition.Reason.Should().Be(FederatedBackupDecider.VolumesMissed);
        condition.Message.Should().Contain("apps/b");
    }

    [Test]
    public void A_selector_that_matches_nothing_fails_the_run()
    {
        var world = new FederatedWorld([]);
        world.AddWorkload("other", "n0", matches: false);
        world.Step();
        world.Status.Phase.Should().Be(BackupPhase.Failed);
        JobConditions.Find(world.Status.Conditions, JobConditions.Failed)!.Reason.Should().Be(FederatedBackupDecider.NoVolumesSelected);
    }

    [Test]
    public void Selector_target_Workloads_takes_the_claims_of_the_matching_pods()
    {
        var world = new FederatedWorld([("a", "n0"), ("b", "n1")]);
        foreach (var i in Enumerable.Range(0, world.Claims.Count))
        {
            world.Claims[i] = world.Claims[i] with { Metadata = world.Claims[i].Metadata with { Labels = null } };
        }

        world.Pods[1] = world.Pods[1] with { Metadata = world.Pods[1].Metadata with { Labels = new Dictionary<string, string> { ["backup"] = "nightly" }, OwnerReferences = [new OwnerReference { Kind = "StatefulSet", Name = "db", Uid = "s", Controller = true }] } };
        var job = world.Job;
        var observation = world.Observe() with { Job = job with { Spec = job.Spec with { Source = job.Spec.Source with { SelectorTarget = SelectorTarget.Workloads } } } };

        var status = FederatedBackupDecider.Decide(observation).OfType<UpdateBackupJobStatus>().Single().Status;

        status.Volumes.Should().ContainSingle().Which.Should().Match<VolumeTask>(v => v.PersistentVolumeClaim == "b" && v.Workload == "db" && v.Node == "n1");
    }

    [Test]
    public void A_released_child_that_is_not_visible_yet_is_created_again_idempotently()
    {
        var world = new FederatedWorld([("a", "n0")]);
        world.Step();
        world.Children.Clear();
        var actions = FederatedBackupDecider.Decide(world.Observe());
        actions.OfType<CreateBackupJob>().Should().ContainSingle().Which.Job.Metadata.Name.Should().Be("nightly-000-a");
        actions.OfType<UpdateBackupJobStatus>().Should().BeEmpty();
    }

    [Test]
    public void Bad_input_waits_stalled_with_an_event_and_creates_nothing()
    {
        var world = new FederatedWorld([("a", "n0")]);
        var job = world.Job;
        var observation = world.Observe() with { Job = job with { Spec = job.Spec with { Destination = new BackupDestination() } } };
        var actions = FederatedBackupDecider.Decide(observation);
        var status = actions.OfType<UpdateBackupJobStatus>().Single().Status;
        status.Phase.Should().Be(BackupPhase.Waiting);
        JobConditions.Find(status.Conditions, JobConditions.Stalled)!.Status.Should().Be(ConditionStatus.True);
        actions.OfType<CreateBackupJob>().Should().BeEmpty();
        actions.OfType<RecordEvent>().Should().ContainSingle(e => e.Reason == BackupJobDecider.InvalidSpec);
    }

    [Test]
    public void Child_names_are_short_distinct_and_follow_the_order()
    {
        var long1 = FederatedBackupDecider.ChildName(new string('p', 80), 7, new string('c', 80), false);
        var long2 = FederatedBackupDecider.ChildName(new string('p', 80), 7, new string('c', 80), true);
        long1.Length.Should().BeLessThanOrEqualTo(63);
        long2.Length.Should().BeLessThanOrEqualTo(63);
        long1.Should().NotBe(long2);
        string.CompareOrdinal(FederatedBackupDecider.ChildName("run", 9, "zz", false), FederatedBackupDecider.ChildName("run", 10, "aa", false)).Should().BeNegative();
    }

    [Test]
    public void Node_failure_history_counts_unhealthy_nodes_failover_attempts_and_returns_within_the_window()
    {
        var now = Build.Epoch0;
        var back = Build.Node("n2") with
        {
            Metadata = new ObjectMeta { Name = "n2", CreationTimestamp = now.AddDays(-10) },
            Status = new NodeStatus { Conditions = [new NodeCondition { Type = "Ready", Status = "True", LastTransitionTime = now.AddHours(-2) }] },
        };
        var cluster = Build.Cluster([Build.Node("n0"), Build.Node("n1", ready: false), back, Build.Node("n3")], [], now);
        IReadOnlyList<Attempt> attempts =
        [
            new Attempt { Node = "n0", Reason = NodeHealth.AgentLeaseExpired, EndTime = now.AddHours(-1) },
            new Attempt { Node = "n3", Reason = NodeHealth.NodeNotReady, EndTime = now.AddDays(-3) },
            new Attempt { Node = "n3", Reason = "Succeeded", EndTime = now.AddMinutes(-1) },
        ];

        var failures = NodeFailureHistory.From(cluster, [attempts], TimeSpan.FromHours(24));

        failures.Should().BeEquivalentTo(new Dictionary<string, DateTimeOffset> { ["n0"] = now.AddHours(-1), ["n1"] = now, ["n2"] = now.AddHours(-2) });
    }
}
