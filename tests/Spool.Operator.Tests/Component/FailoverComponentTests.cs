using Spool.Api;
using Spool.Api.V1Alpha1;
using Spool.Operator.Decisions;

namespace Spool.Operator.Tests.Component;

/// <summary>Each failover signal of docs/design.md, end to end through the API server, with the test playing the agents and the kubelet.</summary>
[TestFixture]
[Category("Component")]
public sealed class FailoverComponentTests
{
    private const int LongLease = 3600;

    private OperatorHarness _h = null!;

    [SetUp]
    public async Task SetUp()
    {
        _h = await OperatorHarness.StartAsync();
        foreach (var node in new[] { "n1", "n2" })
        {
            await _h.CreateNodeAsync(node);
            await _h.RenewLeaseAsync(node, LongLease);
        }

        await _h.CreateDriveAsync("td-0");
        await _h.CreateDriveAsync("td-1");
        await _h.CreateClaimAsync();
        await _h.RunPodAsync("app-0", "n1");
        await _h.StartOperatorAsync();
    }

    [TearDown]
    public async Task TearDown() => await _h.DisposeAsync();

    private async Task<CheckpointRecord> RunningWithCheckpointAsync()
    {
        await _h.CreateBackupAsync("nightly", ["td-0", "td-1"]);
        await _h.BackupEventuallyAsync("nightly", j => j.Status?.Phase == BackupPhase.Running && j.Status.Node == "n1", "the job to run on n1");
        return await _h.WriteCheckpointAsync("nightly", 3, 3000);
    }

    private static void ResumedFrom(BackupJob job, CheckpointRecord checkpoint, string reason)
    {
        job.Status!.ResumeFrom.Should().NotBeNull();
        job.Status.ResumeFrom!.Sequence.Should().Be(checkpoint.Sequence);
        job.Status.ResumeFrom.Digest.Should().Be(checkpoint.Digest);
        job.Status.Attempts![0].Reason.Should().Be(reason);
        job.Status.Attempts[0].EndTime.Should().NotBeNull();
        job.Status.Attempts[^1].Restart.Should().Be("Checkpoint");
        job.Status.Attempts[^1].Epoch.Should().Be(job.Status.Epoch);
        job.Status.Checkpoint.Should().BeNull("the checkpoint of the old epoch moved into resumeFrom");
    }

    [Test]
    public async Task Node_NotReady_fences_the_epoch_and_the_job_resumes_where_the_workload_comes_back()
    {
        var checkpoint = await RunningWithCheckpointAsync();

        await _h.SetNodeReadyAsync("n1", false);
        var waiting = await _h.BackupEventuallyAsync("nightly", j => j.Status?.Epoch == 2, "a new epoch after NotReady");
        waiting.Status!.Phase.Should().Be(BackupPhase.Waiting);
        waiting.Status.Node.Should().BeNull();
        JobConditions.Find(waiting.Status.Conditions, JobConditions.Ready)!.Reason.Should().Be(NodeHealth.NodeNotReady);
        (await _h.GetDriveAsync("td-0")).Status!.Holder.Should().BeNull("a job that cannot run gives its drive back");

        await _h.DeletePodAsync("app-0");
        await _h.RunPodAsync("app-1", "n2");
        var moved = await _h.BackupEventuallyAsync("nightly", j => j.Status?.Phase == BackupPhase.Running && j.Status.Node == "n2", "the job to run on n2");

        moved.Status!.Epoch.Should().Be(3);
        ResumedFrom(moved, checkpoint, NodeHealth.NodeNotReady);
        moved.Metadata.Labels.Should().Contain(SpoolGroup.NodeLabel, "n2");
        (await _h.EventsAsync("nightly")).Should().Contain(e => e.Reason == "FailedOver");
    }

    [Test]
    public async Task A_deleted_node_hands_the_job_over_to_the_new_owner()
    {
        var checkpoint = await RunningWithCheckpointAsync();

        await _h.Client.DeleteAsync<Spool.Api.Core.Node>("n1");

        // The node's deletion and the pod's move arrive on different watches; the move must not be seen first.
        await _h.BackupEventuallyAsync("nightly", j => j.Status?.Attempts is [{ Reason: NodeHealth.NodeDeleted }, ..], "the failover for the deleted node");
        await _h.DeletePodAsync("app-0");
        await _h.RunPodAsync("app-1", "n2");
        var moved = await _h.BackupEventuallyAsync("nightly", j => j.Status?.Phase == BackupPhase.Running && j.Status.Node == "n2", "the job to run on n2");

        ResumedFrom(moved, checkpoint, NodeHealth.NodeDeleted);
        var drive = await _h.GetDriveAsync(moved.Status!.Drives![0].Name);
        drive.Status!.Holder!.Node.Should().Be("n2");
        drive.Status.Holder.Epoch.Should().Be(moved.Status.Epoch);
    }

    [Test]
    public async Task An_expired_agent_lease_fails_over_and_a_renewed_one_takes_the_job_again()
    {
        await _h.RenewLeaseAsync("n1", 5);
        var checkpoint = await RunningWithCheckpointAsync();

        // Fake time runs on while nobody renews the lease: the operator's timed re-queue finds it expired.
        var fenced = await _h.BackupEventuallyAsync("nightly", j => j.Status?.Epoch == 2, "a new epoch after the lease expired", TimeSpan.FromMilliseconds(500));
        fenced.Status!.Phase.Should().Be(BackupPhase.Waiting);
        JobConditions.Find(fenced.Status.Conditions, JobConditions.Ready)!.Reason.Should().Be("AgentNotReady");
        fenced.Status.Attempts![0].Reason.Should().Be(NodeHealth.AgentLeaseExpired);

        await _h.RenewLeaseAsync("n1", LongLease);
        var back = await _h.BackupEventuallyAsync("nightly", j => j.Status?.Phase == BackupPhase.Running, "the job to run again");

        back.Status!.Node.Should().Be("n1");
        back.Status.Epoch.Should().Be(3);
        ResumedFrom(back, checkpoint, NodeHealth.AgentLeaseExpired);
    }

    [Test]
    public async Task A_node_clock_an_hour_behind_keeps_its_lease_alive_while_it_renews_and_expires_it_when_it_stops()
    {
        // The agent stamps renewTime with its own clock; the operator judges it by when it saw the renewal.
        await _h.RenewLeaseAsync("n1", 5, skew: TimeSpan.FromHours(-1));
        await RunningWithCheckpointAsync();
        for (var i = 0; i < 5; i++)
        {
            _h.Time.Advance(TimeSpan.FromSeconds(2));
            await _h.RenewLeaseAsync("n1", 5, skew: TimeSpan.FromHours(-1));
        }

        var alive = await _h.GetBackupAsync("nightly");
        alive.Status!.Phase.Should().Be(BackupPhase.Running);
        alive.Status.Epoch.Should().Be(1, "a renewing agent is alive whatever its clock says");

        var fenced = await _h.BackupEventuallyAsync("nightly", j => j.Status?.Epoch == 2, "a new epoch after the renewals stopped", TimeSpan.FromMilliseconds(500));
        fenced.Status!.Attempts![0].Reason.Should().Be(NodeHealth.AgentLeaseExpired);
    }

    [Test]
    public async Task A_workload_that_moves_takes_the_job_with_it()
    {
        var checkpoint = await RunningWithCheckpointAsync();

        await _h.DeletePodAsync("app-0");
        await _h.RunPodAsync("app-1", "n2");
        var moved = await _h.BackupEventuallyAsync("nightly", j => j.Status?.Phase == BackupPhase.Running && j.Status.Node == "n2", "the job to follow the workload");

        ResumedFrom(moved, checkpoint, Reasons.VolumeMoved);
        moved.Status!.Volume!.Pod.Should().Be("app-1");
    }

    [Test]
    public async Task A_drive_the_agent_reports_failing_is_marked_Failed_and_the_job_continues_on_another()
    {
        var checkpoint = await RunningWithCheckpointAsync();
        var before = await _h.GetBackupAsync("nightly");
        var failing = before.Status!.Drives![0].Name;

        await _h.WriteStatusAsync("nightly", s => s with
        {
            Report = new AgentReport { Epoch = s.Epoch, Node = s.Node, Outcome = "Failed", Reason = "MediumError", Message = "write error on " + failing, FailedDrives = [failing] },
        });
        var moved = await _h.BackupEventuallyAsync("nightly", j => j.Status?.Phase == BackupPhase.Running && j.Status.Epoch == 2, "the job to continue on another drive");

        moved.Status!.Node.Should().Be("n1");
        moved.Status.Drives!.Select(d => d.Name).Should().NotContain(failing);
        moved.Status.ResumeFrom.Should().BeNull("without redundancy the data before checkpoint " + checkpoint.Sequence + " is on the failed drive");
        moved.Status.BackupId.Should().NotBe(before.Status.BackupId, "a fresh start writes a new backup");
        moved.Status.Attempts![0].Reason.Should().Be(Reasons.DriveFailed);
        moved.Status.Attempts[^1].Restart.Should().Be("Fresh");
        moved.Status.Conditions.Should().Contain(c => c.Type == "Progressing" && c.Reason == Reasons.CheckpointUnusable);
        var failed = await _h.GetDriveAsync(failing);
        failed.Status!.Phase.Should().Be(DrivePhase.Failed);
        failed.Status.Holder.Should().BeNull();
    }

    [Test]
    public async Task A_drive_that_fails_under_a_running_job_moves_it_to_a_healthy_drive()
    {
        await RunningWithCheckpointAsync();
        var before = await _h.GetBackupAsync("nightly");
        var failing = before.Status!.Drives![0].Name;

        var drive = await _h.GetDriveAsync(failing);
        await _h.Client.UpdateStatusAsync(drive with { Status = drive.Status! with { Phase = DrivePhase.Failed, LastError = "robot arm jammed" } });
        var moved = await _h.BackupEventuallyAsync("nightly", j => j.Status?.Phase == BackupPhase.Running && j.Status.Epoch == 2, "the job to move off the failed drive");

        moved.Status!.Drives!.Select(d => d.Name).Should().NotContain(failing);
        moved.Status.Attempts![0].Reason.Should().Be(Reasons.DriveFailed);
    }

    [Test]
    public async Task A_stale_agent_write_after_the_hand_over_counts_for_nothing()
    {
        await RunningWithCheckpointAsync();
        await _h.DeletePodAsync("app-0");
        await _h.RunPodAsync("app-1", "n2");
        var moved = await _h.BackupEventuallyAsync("nightly", j => j.Status?.Phase == BackupPhase.Running && j.Status.Node == "n2", "the hand-over");
        var epoch = moved.Status!.Epoch;

        await _h.WriteStatusAsync("nightly", s => s with
        {
            Checkpoint = new CheckpointRecord { Epoch = 1, Node = "n1", Sequence = 4, BytesDone = 4000, Data = "{}", Digest = Checkpoints.Digest("{}") },
            Report = new AgentReport { Epoch = 1, Node = "n1", Outcome = "Completed" },
        });
        var cleaned = await _h.BackupEventuallyAsync("nightly", j => j.Status?.Checkpoint is null && j.Status?.Report is null, "the stale writes to be dropped");

        cleaned.Status!.Phase.Should().Be(BackupPhase.Running);
        cleaned.Status.Epoch.Should().Be(epoch);
        cleaned.Status.Node.Should().Be("n2");
        await _h.EventuallyAsync(() => _h.EventsAsync("nightly"), e => e.Any(x => x.Reason == Reasons.StaleWrite && x.Type == "Warning"), "a StaleWrite event");
    }

    [Test]
    public async Task A_new_leader_continues_a_running_job_without_a_new_epoch_and_completes_it()
    {
        await RunningWithCheckpointAsync();
        var running = await _h.GetBackupAsync("nightly");
        await _h.StopOperatorAsync();

        await _h.StartOperatorAsync();
        // Give the new leader time to look at everything, timed re-queues included.
        await _h.EventuallyAsync(() => Task.FromResult(_h.Operator.Reconciles), r => r >= 3, "the new leader to reconcile", TimeSpan.FromSeconds(1));
        await _h.WriteCheckpointAsync("nightly", 4, 4000);
        var still = await _h.GetBackupAsync("nightly");
        still.Status!.Epoch.Should().Be(running.Status!.Epoch);
        still.Status.Node.Should().Be("n1");
        still.Status.Attempts.Should().HaveCount(1);

        var drives = running.Status.Drives!.Select(d => d.Name).ToList();
        await _h.WriteStatusAsync("nightly", s => s with
        {
            Report = new AgentReport { Epoch = s.Epoch, Node = s.Node, Outcome = "Completed", Catalog = new CatalogLocation { BackupId = s.BackupId!, Drives = drives, Bytes = 5000, Files = 3, Verified = true } },
        });
        var done = await _h.BackupEventuallyAsync("nightly", j => j.Status?.Phase == BackupPhase.Succeeded, "the job to succeed");

        done.Status!.Catalog!.Bytes.Should().Be(5000);
        done.Status.Attempts.Should().ContainSingle().Which.Reason.Should().Be("Completed");
        JobConditions.Find(done.Status.Conditions, JobConditions.Succeeded)!.Status.Should().Be(ConditionStatus.True);
        var drive = await _h.EventuallyAsync(() => _h.GetDriveAsync(drives[0]), d => d.Status?.Holder is null, "the drive to be released");
        drive.Status!.BytesWritten.Should().Be(5000);
        drive.Status.PendingOperation.Should().BeNull();
        var job = await _h.EventuallyAsync(() => _h.GetBackupAsync("nightly"), j => j.Metadata.Finalizers is null or { Count: 0 }, "the finalizer to go");
        job.Metadata.Labels?.ContainsKey(SpoolGroup.NodeLabel).Should().NotBe(true);
    }
}
