using Spool.Agent.Host.Fencing;
using Spool.Agent.Host.Jobs;
using Spool.Agent.Tests.Host.Fakes;
using Spool.Api.V1Alpha1;

namespace Spool.Agent.Tests.Host;

public sealed class FencingDeciderTests
{
    private const string Node = "node-a";

    [Test]
    public void Continues_while_the_job_is_running_at_the_epoch_on_this_node_and_the_drive_names_it()
    {
        var job = JobFactory.RunningBackup("db", Node, 3, "td-0");
        var drive = JobFactory.HeldDrive("td-0", "/drives/0", job, 3);

        FencingDecider.Decide(3, Node, JobSnapshot.Of(job), Lookup(drive)).Should().Be(FenceDecision.Continue);
    }

    [Test]
    public void A_newer_epoch_fences()
    {
        var job = JobFactory.RunningBackup("db", Node, 4, "td-0");
        var drive = JobFactory.HeldDrive("td-0", "/drives/0", job, 4);

        var decision = FencingDecider.Decide(3, Node, JobSnapshot.Of(job), Lookup(drive));

        decision.Fenced.Should().BeTrue();
        decision.Reason.Should().Be(FenceReasons.EpochChanged);
    }

    [Test]
    public void Another_node_fences_even_at_the_same_epoch()
    {
        var job = JobFactory.RunningBackup("db", "node-b", 3, "td-0");
        var drive = JobFactory.HeldDrive("td-0", "/drives/0", job, 3);

        FencingDecider.Decide(3, Node, JobSnapshot.Of(job), Lookup(drive)).Reason.Should().Be(FenceReasons.NodeChanged);
    }

    [TestCase(BackupPhase.Failed)]
    [TestCase(BackupPhase.Succeeded)]
    [TestCase(BackupPhase.Waiting)]
    public void A_phase_other_than_running_fences(BackupPhase phase)
    {
        var job = JobFactory.RunningBackup("db", Node, 3, "td-0");
        job = job with { Status = job.Status! with { Phase = phase } };
        var drive = JobFactory.HeldDrive("td-0", "/drives/0", job, 3);

        FencingDecider.Decide(3, Node, JobSnapshot.Of(job), Lookup(drive)).Reason.Should().Be(FenceReasons.NotRunning);
    }

    [Test]
    public void A_deleted_or_deleting_job_fences()
    {
        var job = JobFactory.RunningBackup("db", Node, 3, "td-0");
        var drive = JobFactory.HeldDrive("td-0", "/drives/0", job, 3);
        var deleting = job with { Metadata = job.Metadata with { DeletionTimestamp = DateTimeOffset.UnixEpoch } };

        FencingDecider.Decide(3, Node, null, Lookup(drive)).Reason.Should().Be(FenceReasons.JobDeleted);
        FencingDecider.Decide(3, Node, JobSnapshot.Of(deleting), Lookup(drive)).Reason.Should().Be(FenceReasons.JobDeleted);
    }

    [Test]
    public void A_drive_claim_of_an_older_epoch_fences()
    {
        var job = JobFactory.RunningBackup("db", Node, 3, "td-0");
        var drive = JobFactory.HeldDrive("td-0", "/drives/0", job, 2);

        var decision = FencingDecider.Decide(3, Node, JobSnapshot.Of(job), Lookup(drive));

        decision.Reason.Should().Be(FenceReasons.DriveClaimLost);
        decision.Message.Should().Contain("epoch 2");
    }

    [Test]
    public void A_drive_held_by_another_job_released_or_missing_fences()
    {
        var job = JobFactory.RunningBackup("db", Node, 3, "td-0");
        var other = JobFactory.HeldDrive("td-0", "/drives/0", JobFactory.RunningBackup("other", Node, 3, "td-0"), 3);
        var released = JobFactory.HeldDrive("td-0", "/drives/0", job, 3) with { Status = new TapeDriveStatus { Phase = DrivePhase.Available } };

        FencingDecider.Decide(3, Node, JobSnapshot.Of(job), Lookup(other)).Reason.Should().Be(FenceReasons.DriveClaimLost);
        FencingDecider.Decide(3, Node, JobSnapshot.Of(job), Lookup(released)).Reason.Should().Be(FenceReasons.DriveClaimLost);
        FencingDecider.Decide(3, Node, JobSnapshot.Of(job), _ => null).Reason.Should().Be(FenceReasons.DriveClaimLost);
    }

    [Test]
    public void A_drive_of_a_restore_job_with_the_same_name_is_not_this_backups_claim()
    {
        var job = JobFactory.RunningBackup("db", Node, 3, "td-0");
        var drive = JobFactory.HeldDrive("td-0", "/drives/0", job, 3);
        drive = drive with { Status = drive.Status! with { Holder = drive.Status.Holder! with { Kind = RestoreJob.KindValue } } };

        FencingDecider.Decide(3, Node, JobSnapshot.Of(job), Lookup(drive)).Reason.Should().Be(FenceReasons.DriveClaimLost);
    }

    [Test]
    public void A_failed_member_no_longer_needs_a_claim()
    {
        var job = JobFactory.RunningBackup("db", Node, 3, "td-0", "td-1");
        job = job with { Status = job.Status! with { Drives = [new HeldDrive { Name = "td-0" }, new HeldDrive { Name = "td-1", Member = 1, State = "Failed" }] } };
        var drive = JobFactory.HeldDrive("td-0", "/drives/0", job, 3);

        FencingDecider.Decide(3, Node, JobSnapshot.Of(job), Lookup(drive)).Should().Be(FenceDecision.Continue);
    }

    [Test]
    public void Starts_only_without_a_report_for_the_epoch_and_with_every_claim_held()
    {
        var job = JobFactory.RunningBackup("db", Node, 3, "td-0");
        var drive = JobFactory.HeldDrive("td-0", "/drives/0", job, 3);
        var reported = job with { Status = job.Status! with { Report = new AgentReport { Epoch = 3, Outcome = "HandedBack" } } };
        var oldReport = job with { Status = job.Status! with { Report = new AgentReport { Epoch = 2, Outcome = "HandedBack" } } };
        var noDrives = job with { Status = job.Status! with { Drives = [] } };

        StartDecider.ShouldStart(JobSnapshot.Of(job), Node, Lookup(drive)).Should().BeTrue();
        StartDecider.ShouldStart(JobSnapshot.Of(oldReport), Node, Lookup(drive)).Should().BeTrue();
        StartDecider.ShouldStart(JobSnapshot.Of(reported), Node, Lookup(drive)).Should().BeFalse();
        StartDecider.ShouldStart(JobSnapshot.Of(noDrives), Node, Lookup(drive)).Should().BeFalse();
        StartDecider.ShouldStart(JobSnapshot.Of(job), "node-b", Lookup(drive)).Should().BeFalse();
        StartDecider.ShouldStart(JobSnapshot.Of(job), Node, Lookup(drive with { Status = drive.Status! with { Holder = drive.Status.Holder! with { Epoch = 2 } } })).Should().BeFalse();
    }

    private static Func<string, TapeDrive?> Lookup(params TapeDrive[] drives) =>
        name => drives.FirstOrDefault(d => d.Metadata.Name == name);
}
