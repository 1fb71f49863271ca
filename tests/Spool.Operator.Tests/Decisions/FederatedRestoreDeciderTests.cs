using Spool.Api;
using Spool.Api.V1Alpha1;
using Spool.Operator.Decisions;
using Spool.Operator.Tests.Support;

namespace Spool.Operator.Tests.Decisions;

/// <summary>
/// The federated restore decision: which workloads of the run it takes, where each one is restored (where it runs, or
/// a named or default node), one at a time, what it does with a workload active on another node, and how it ends.
/// </summary>
[TestFixture]
public sealed class FederatedRestoreDeciderTests
{
    private static readonly (string, string?)[] Three = [("db", "n1"), ("web", "n2"), ("cache", "n0")];

    [Test]
    public void Every_workload_of_the_run_is_planned_in_the_run_s_order_and_the_first_is_restored_where_it_runs()
    {
        var world = new RestoreWorld(Three);

        var created = world.Step();

        var status = world.Status;
        status.Phase.Should().Be(RestorePhase.Running);
        status.Workloads!.Select(w => w.PersistentVolumeClaim).Should().Equal("db", "web", "cache");
        status.Workloads!.Should().OnlyContain(w => w.LastBackupTime != null && w.Workload == "sts-" + w.PersistentVolumeClaim);
        var child = created.Should().ContainSingle().Subject;
        child.Metadata.Name.Should().Be("undo-000-db");
        child.Metadata.Namespace.Should().Be("apps");
        child.Metadata.Labels.Should().Contain(SpoolGroup.ParentLabel, "undo");
        child.Metadata.Annotations.Should().Contain(FederatedBackupDecider.ParentUidAnnotation, "fedcba9876543210-undo");
        child.Metadata.OwnerReferences.Should().ContainSingle(o => o.Kind == RestoreJob.KindValue && o.Name == "undo" && o.Controller == true);
        child.Spec.Source.Should().Be(new RestoreSource { BackupJob = "nightly-000-db" }, "each child restores the run's backup of its claim");
        child.Spec.Target!.PersistentVolumeClaim.Should().Be("db");
        child.Spec.Placement.Should().Be(new RestorePlacement { Mode = RestorePlacementMode.WhereTargetRuns }, "a running workload is restored where its pod runs, and followed if it moves");
        child.Spec.ConflictPolicy.Should().Be(ConflictPolicy.Overwrite, "the child takes the parent's restore options");
        world.Workload("db").Should().Match<WorkloadRestore>(w => w.Node == "n1" && w.WorkloadState == FederatedRestoreDecider.StateRunning && w.Job == "undo-000-db" && w.Attempts == 1);
    }

    [Test]
    public void Workloads_are_restored_one_after_another_and_the_run_ends_succeeded_with_a_per_workload_status()
    {
        var world = new RestoreWorld(Three);
        world.Step();
        world.Start("undo-000-db");
        world.Step().Should().BeEmpty("nothing else starts while a workload is restored");
        world.Workload("db").Should().Match<WorkloadRestore>(w => w.Phase == RestorePhase.Running && w.BytesDone == 400 && w.BytesTotal == 1000);

        world.Finish("undo-000-db");
        world.Step().Select(c => c.Metadata.Name).Should().Equal("undo-001-web");
        world.Finish("undo-001-web");
        world.Step().Select(c => c.Metadata.Name).Should().Equal("undo-002-cache");
        world.Finish("undo-002-cache");
        world.Step().Should().BeEmpty();

        var status = world.Status;
        status.Phase.Should().Be(RestorePhase.Succeeded);
        status.CompletionTime.Should().NotBeNull();
        status.Progress!.Size.Should().Be("3/3 workloads");
        status.Workloads!.Should().OnlyContain(w => w.Phase == RestorePhase.Succeeded && w.BytesDone == 1000);
        JobConditions.Find(status.Conditions, JobConditions.Ready)!.Reason.Should().Be(FederatedRestoreDecider.AllWorkloadsRestored);
        FederatedRestoreDecider.Decide(world.Observe()).Should().BeEmpty("a finished restore is left alone");
    }

    [TestCase("web")]
    [TestCase("apps/web")]
    [TestCase("sts-web")]
    public void Source_volumes_pick_workloads_by_claim_namespace_and_claim_or_workload(string entry)
    {
        var world = new RestoreWorld(Three, volumes: [entry, "cache"]);

        world.Step();

        world.Status.Workloads!.Select(w => w.PersistentVolumeClaim).Should().Equal("web", "cache");
    }

    [Test]
    public void Source_volumes_that_name_nothing_of_the_run_fail_the_restore_before_anything_is_written()
    {
        var world = new RestoreWorld(Three, volumes: ["web", "payments", "apps/ledger"]);

        world.Step().Should().BeEmpty();

        world.Status.Phase.Should().Be(RestorePhase.Failed);
        var ready = JobConditions.Find(world.Status.Conditions, JobConditions.Ready)!;
        ready.Reason.Should().Be(FederatedRestoreDecider.VolumesNotInRun);
        ready.Message.Should().Contain("payments").And.Contain("apps/ledger").And.NotContain("web,");
    }

    [Test]
    public void A_workload_that_runs_nowhere_goes_to_the_named_node_through_a_mounter_pod()
    {
        var world = new RestoreWorld([("db", null)], placement: new RestorePlacement { NodeName = "n2" });

        var child = world.Step().Should().ContainSingle().Subject;

        child.Spec.Placement.Should().Be(new RestorePlacement { Mode = RestorePlacementMode.WhereTargetRuns, NodeName = "n2" });
        world.Workload("db").Should().Match<WorkloadRestore>(w => w.Node == "n2" && w.WorkloadState == FederatedRestoreDecider.StateNotRunning);
    }

    [Test]
    public void Without_a_named_node_a_workload_that_runs_nowhere_goes_to_the_node_of_its_backup_while_that_node_is_healthy()
    {
        var world = new RestoreWorld([("db", null)]);
        world.Run = world.Run! with { Status = world.Run.Status! with { Volumes = [world.Run.Status.Volumes![0] with { Node = "n1" }] } };

        world.Step().Single().Spec.Placement!.NodeName.Should().Be("n1");

        var gone = new RestoreWorld([("db", null)]);
        gone.Run = gone.Run! with { Status = gone.Run.Status! with { Volumes = [gone.Run.Status.Volumes![0] with { Node = "n9" }] } };
        gone.Step().Single().Spec.Placement!.NodeName.Should().BeNull("a node that is gone is no default: the child's mounter goes to any node that reaches the drives");
    }

    [Test]
    public void A_volume_the_run_did_not_capture_is_named_as_failed_and_the_others_are_restored()
    {
        var world = new RestoreWorld(Three, notCaptured: ["web"]);

        world.Step();
        world.Workload("web").Should().Match<WorkloadRestore>(w => w.Phase == RestorePhase.Failed && w.Job == null && w.Message!.Contains("did not capture"));
        world.Finish("undo-000-db");
        world.Step().Select(c => c.Metadata.Name).Should().Equal(["undo-002-cache"], "the failed one is skipped");
        world.Finish("undo-002-cache");
        world.Step();

        world.Status.Phase.Should().Be(RestorePhase.PartiallySucceeded);
        JobConditions.Find(world.Status.Conditions, JobConditions.Ready)!.Message.Should().Contain("2 of 3").And.Contain("apps/web");
    }

    [Test]
    public void A_failed_child_names_its_workload_as_failed_and_the_next_one_goes_on()
    {
        var world = new RestoreWorld([("db", "n1"), ("web", "n2")]);
        world.Step();
        world.Finish("undo-000-db", succeeded: false);
        world.Step();
        world.Workload("db").Should().Match<WorkloadRestore>(w => w.Phase == RestorePhase.Failed && w.Message == "the agent failed");
        world.Finish("undo-001-web", succeeded: false);
        world.Step();

        world.Status.Phase.Should().Be(RestorePhase.Failed, "nothing was restored");
    }

    [Test]
    public void With_mode_Node_a_workload_running_elsewhere_is_waited_for_and_nothing_after_it_starts()
    {
        var world = new RestoreWorld([("db", "n1"), ("web", null)], placement: new RestorePlacement { Mode = RestorePlacementMode.Node, NodeName = "n2" });

        world.Step().Should().BeEmpty();

        world.Status.Phase.Should().Be(RestorePhase.Waiting);
        JobConditions.Find(world.Status.Conditions, JobConditions.Ready)!.Reason.Should().Be(FederatedRestoreDecider.WorkloadActiveElsewhere);
        world.Workload("db").Should().Match<WorkloadRestore>(w => w.WorkloadState == FederatedRestoreDecider.StateActiveElsewhere && w.Phase == RestorePhase.Waiting && w.Message!.Contains("node n1"));
        world.Workload("web").Phase.Should().BeNull("workloads are restored in order");

        world.Move("db", null);
        var child = world.Step().Should().ContainSingle().Subject;
        child.Metadata.Name.Should().Be("undo-000-db");
        child.Spec.Placement!.NodeName.Should().Be("n2");
        world.Workload("db").WorkloadState.Should().Be(FederatedRestoreDecider.StateNotRunning);
    }

    [Test]
    public void With_policy_Refuse_a_workload_running_elsewhere_is_named_as_refused_and_the_next_one_goes_on()
    {
        var world = new RestoreWorld([("db", "n1"), ("web", "n2")], placement: new RestorePlacement { Mode = RestorePlacementMode.Node, NodeName = "n2" }, policy: ActiveWorkloadPolicy.Refuse);

        world.Step().Select(c => c.Metadata.Name).Should().Equal("undo-001-web");

        world.Workload("db").Should().Match<WorkloadRestore>(w => w.Phase == RestorePhase.Failed && w.WorkloadState == FederatedRestoreDecider.StateActiveElsewhere && w.Message!.StartsWith("refused"));
        world.Workload("web").WorkloadState.Should().Be(FederatedRestoreDecider.StateRunning);
    }

    [Test]
    public void A_workload_that_starts_elsewhere_while_its_restore_mounts_it_stops_the_restore_and_waits_to_be_restored_where_it_runs()
    {
        var world = new RestoreWorld([("db", null), ("web", "n2")], placement: new RestorePlacement { NodeName = "n0" });
        world.Step();
        world.Start("undo-000-db");
        world.Step();
        world.Move("db", "n1");

        var created = world.Step();

        world.Deleted.Should().Equal("undo-000-db");
        created.Select(c => c.Metadata.Name).Should().Equal(["undo-000r1-db"], "the restore starts again at once where the workload now runs");
        created[0].Spec.Placement!.NodeName.Should().BeNull();
        world.Workload("db").Should().Match<WorkloadRestore>(w => w.Node == "n1" && w.WorkloadState == FederatedRestoreDecider.StateRunning && w.Attempts == 2);
        world.LastActions.OfType<RecordEvent>().Should().Contain(e => e.Reason == FederatedRestoreDecider.WorkloadActiveElsewhere && e.Message.Contains("node n1") && e.Message.Contains("node n0"));
        FederatedRestoreDecider.Decide(world.Observe()).Should().NotContain(a => a is UpdateRestoreJobStatus || a is CreateRestoreJob || a is DeleteRestoreJob);
    }

    [Test]
    public void With_policy_Refuse_a_workload_that_starts_elsewhere_while_its_restore_mounts_it_is_stopped_and_refused()
    {
        var world = new RestoreWorld([("db", null), ("web", "n2")], placement: new RestorePlacement { NodeName = "n0" }, policy: ActiveWorkloadPolicy.Refuse);
        world.Step();
        world.Start("undo-000-db");
        world.Move("db", "n1");

        world.Step().Select(c => c.Metadata.Name).Should().Equal("undo-001-web");

        world.Deleted.Should().Equal("undo-000-db");
        world.Workload("db").Should().Match<WorkloadRestore>(w => w.Phase == RestorePhase.Failed && w.Message!.StartsWith("refused"));
    }

    [Test]
    public void A_restore_through_the_workload_s_own_pod_follows_it_and_is_not_stopped_when_it_moves()
    {
        var world = new RestoreWorld([("db", "n1")]);
        world.Step();
        world.Start("undo-000-db");
        world.Move("db", "n2");

        world.Step();

        world.Deleted.Should().BeEmpty("the child fails over to the new node by itself");
        world.Workload("db").Phase.Should().Be(RestorePhase.Running);
    }

    [Test]
    public void A_child_that_waits_stalled_is_stopped_and_its_workload_named_so_that_the_next_one_goes_on()
    {
        var world = new RestoreWorld([("db", "n1"), ("web", "n2")]);
        world.Step();
        var i = world.Children.FindIndex(c => c.Metadata.Name == "undo-000-db");
        world.Children[i] = world.Children[i] with
        {
            Status = new RestoreJobStatus
            {
                Phase = RestorePhase.Waiting,
                Conditions = JobConditions.Waiting(null, Reasons.NoReachableDrive, "0 of the backup's drives [td-0] reach node n1; 1 needed", true, 1, world.Now),
            },
        };

        world.Step().Select(c => c.Metadata.Name).Should().Equal("undo-001-web");

        world.Deleted.Should().Equal("undo-000-db");
        world.Workload("db").Should().Match<WorkloadRestore>(w => w.Phase == RestorePhase.Failed && w.Message!.Contains("NoReachableDrive") && w.Message.Contains("reach node n1"));
        FederatedRestoreDecider.Decide(world.Observe()).Should().NotContain(a => a is UpdateRestoreJobStatus || a is CreateRestoreJob || a is DeleteRestoreJob);
    }

    [Test]
    public void A_workload_whose_claim_is_gone_is_named_as_failed()
    {
        var world = new RestoreWorld([("db", "n1"), ("web", "n2")]);
        world.Claims.RemoveAll(c => c.Metadata.Name == "db");
        world.Pods.RemoveAll(p => p.Metadata.Name == "db-0");

        world.Step().Select(c => c.Metadata.Name).Should().Equal("undo-001-web");

        world.Workload("db").Should().Match<WorkloadRestore>(w => w.Phase == RestorePhase.Failed && w.WorkloadState == FederatedRestoreDecider.StateMissing && w.Message!.Contains("newClaim"));
    }

    [Test]
    public void A_restore_waits_for_its_run_to_finish_and_for_it_to_exist()
    {
        var world = new RestoreWorld(Three);
        world.Run = world.Run! with { Status = world.Run.Status! with { Phase = BackupPhase.Verifying } };
        world.Step().Should().BeEmpty();
        world.Status.Phase.Should().Be(RestorePhase.Waiting);
        JobConditions.Find(world.Status.Conditions, JobConditions.Ready)!.Reason.Should().Be(RestoreJobDecider.BackupNotComplete);

        world.Run = null;
        world.Step();
        JobConditions.Find(world.Status.Conditions, JobConditions.Ready)!.Reason.Should().Be(RestoreJobDecider.BackupNotFound);
    }

    [Test]
    public void A_target_or_mode_Node_without_a_node_is_an_invalid_spec()
    {
        var world = new RestoreWorld(Three);
        var job = world.Job with { Spec = world.Job.Spec with { Target = new RestoreTarget { PersistentVolumeClaim = "db" } } };
        var status = FederatedRestoreDecider.Decide(world.Observe() with { Job = job }).OfType<UpdateRestoreJobStatus>().Single().Status;
        JobConditions.Find(status.Conditions, JobConditions.Ready)!.Reason.Should().Be(BackupJobDecider.InvalidSpec);

        job = world.Job with { Spec = world.Job.Spec with { Placement = new RestorePlacement { Mode = RestorePlacementMode.Node } } };
        status = FederatedRestoreDecider.Decide(world.Observe() with { Job = job }).OfType<UpdateRestoreJobStatus>().Single().Status;
        JobConditions.Find(status.Conditions, JobConditions.Ready)!.Message.Should().Contain("nodeName");
    }

    [Test]
    public void A_restore_is_federated_when_it_names_a_federated_run_lists_volumes_or_was_planned_as_one()
    {
        var world = new RestoreWorld(Three);
        var plain = world.Job with { Spec = world.Job.Spec with { Source = new RestoreSource { BackupJob = "nightly-000-db" } } };

        FederatedRestoreDecider.IsFederated(world.Job, world.Run).Should().BeTrue();
        FederatedRestoreDecider.IsFederated(plain, world.RunChildren[0]).Should().BeFalse("a child restores one backup");
        FederatedRestoreDecider.IsFederated(plain with { Spec = plain.Spec with { Source = plain.Spec.Source with { Volumes = ["db"] } } }, null).Should().BeTrue();
        FederatedRestoreDecider.IsFederated(plain with { Status = new RestoreJobStatus { Workloads = [] } }, null).Should().BeTrue();
    }

    [Test]
    public void Child_names_are_at_most_63_characters_and_distinct_per_workload_and_restart()
    {
        var names = new[]
        {
            FederatedRestoreDecider.ChildName(new string('p', 50), 7, new string('c', 60), 0),
            FederatedRestoreDecider.ChildName(new string('p', 50), 7, new string('c', 60), 1),
            FederatedRestoreDecider.ChildName(new string('p', 50), 8, new string('c', 60), 0),
        };

        names.Should().OnlyContain(n => n.Length <= 63).And.OnlyHaveUniqueItems();
        FederatedRestoreDecider.ChildName("undo", 12, "db", 2).Should().Be("undo-012r2-db");
    }
}
