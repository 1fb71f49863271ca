using Spool.Agent.Host.Fencing;
using Spool.Agent.Host.Jobs;
using Spool.Agent.Host.Logging;
using Spool.Agent.Tests.Host.Fakes;
using Spool.Api.V1Alpha1;

namespace Spool.Agent.Tests.Host;

public sealed class JobStatusWriterTests
{
    private const string Node = "node-a";

    [Test]
    public async Task Writes_the_checkpoint_with_the_last_read_resource_version()
    {
        var (client, job) = Setup();
        using var fence = new FenceSignal();
        var writer = Writer(client, job, fence);

        var outcome = await writer.WriteAsync(new AgentWrite { Checkpoint = Checkpoint(1) }, CancellationToken.None);

        outcome.Should().Be(WriteOutcome.Written);
        client.Peek<BackupJob>("db", "apps")!.Status!.Checkpoint!.Sequence.Should().Be(1);
        writer.Conflicts.Should().Be(0);
    }

    [Test]
    public async Task A_conflict_from_an_operator_write_of_the_same_epoch_is_retried_with_the_fresh_version()
    {
        var (client, job) = Setup();
        using var fence = new FenceSignal();
        var writer = Writer(client, job, fence);
        var operatorWrote = false;
        client.BeforeUpdateStatus = _ =>
        {
            if (!operatorWrote)
            {
                operatorWrote = true;
                var current = client.Peek<BackupJob>("db", "apps")!;
                client.Put(current with { Status = current.Status! with { DriveSummary = "td-0 (operator)" } });
            }
        };

        var outcome = await writer.WriteAsync(new AgentWrite { Checkpoint = Checkpoint(1) }, CancellationToken.None);

        outcome.Should().Be(WriteOutcome.Written);
        writer.Conflicts.Should().Be(1);
        var stored = client.Peek<BackupJob>("db", "apps")!;
        stored.Status!.Checkpoint!.Sequence.Should().Be(1);
        stored.Status.DriveSummary.Should().Be("td-0 (operator)", "the operator's field survives the agent's retry");
        fence.IsTripped.Should().BeFalse();
    }

    [Test]
    public async Task A_conflict_caused_by_a_newer_epoch_fences_and_nothing_more_is_written()
    {
        var (client, job) = Setup();
        using var fence = new FenceSignal();
        var writer = Writer(client, job, fence);
        client.BeforeUpdateStatus = _ =>
        {
            client.BeforeUpdateStatus = null;
            var current = client.Peek<BackupJob>("db", "apps")!;
            client.Put(current with { Status = current.Status! with { Epoch = 4, Node = "node-b" } });
        };

        var outcome = await writer.WriteAsync(new AgentWrite { Checkpoint = Checkpoint(1) }, CancellationToken.None);
        var updatesAfterFence = client.StatusUpdates;
        var again = await writer.WriteAsync(new AgentWrite { Report = new AgentReport { Epoch = 3, Outcome = "Completed" } }, CancellationToken.None);

        outcome.Should().Be(WriteOutcome.Fenced);
        again.Should().Be(WriteOutcome.Fenced);
        client.StatusUpdates.Should().Be(updatesAfterFence, "a fenced writer does not even try");
        fence.Decision!.Reason.Should().Be(FenceReasons.EpochChanged);
        var stored = client.Peek<BackupJob>("db", "apps")!;
        stored.Status!.Checkpoint.Should().BeNull();
        stored.Status.Report.Should().BeNull();
    }

    [Test]
    public async Task A_conflict_after_the_drive_claim_moved_on_fences()
    {
        var (client, job) = Setup();
        using var fence = new FenceSignal();
        var writer = Writer(client, job, fence);
        client.BeforeUpdateStatus = _ =>
        {
            client.BeforeUpdateStatus = null;
            var drive = client.Peek<TapeDrive>("td-0")!;
            client.Put(drive with { Status = drive.Status! with { Holder = drive.Status.Holder! with { Epoch = 4 } } });
            var current = client.Peek<BackupJob>("db", "apps")!;
            client.Put(current with { Status = current.Status! with { DriveSummary = "moving" } });
        };

        var outcome = await writer.WriteAsync(new AgentWrite { Checkpoint = Checkpoint(1) }, CancellationToken.None);

        outcome.Should().Be(WriteOutcome.Fenced);
        fence.Decision!.Reason.Should().Be(FenceReasons.DriveClaimLost);
    }

    [Test]
    public async Task A_deleted_job_fences()
    {
        var (client, job) = Setup();
        using var fence = new FenceSignal();
        var writer = Writer(client, job, fence);
        await client.DeleteAsync<BackupJob>("db", "apps");

        var outcome = await writer.WriteAsync(new AgentWrite { Checkpoint = Checkpoint(1) }, CancellationToken.None);

        outcome.Should().Be(WriteOutcome.Fenced);
        fence.Decision!.Reason.Should().Be(FenceReasons.JobDeleted);
    }

    [Test]
    public async Task A_fence_tripped_by_a_watch_event_stops_writes_before_they_are_sent()
    {
        var (client, job) = Setup();
        using var fence = new FenceSignal();
        var writer = Writer(client, job, fence);
        fence.Trip(FenceDecision.Fence(FenceReasons.EpochChanged, "watch")).Should().BeTrue();
        fence.Trip(FenceDecision.Fence(FenceReasons.NodeChanged, "second")).Should().BeFalse("the first reason wins");

        var outcome = await writer.WriteAsync(new AgentWrite { Checkpoint = Checkpoint(1) }, CancellationToken.None);

        outcome.Should().Be(WriteOutcome.Fenced);
        client.StatusUpdates.Should().Be(0);
        fence.Decision!.Reason.Should().Be(FenceReasons.EpochChanged);
        fence.Token.IsCancellationRequested.Should().BeTrue();
    }

    private static (FakeKubernetesClient Client, BackupJob Job) Setup()
    {
        var client = new FakeKubernetesClient();
        var job = client.Put(JobFactory.RunningBackup("db", Node, 3, "td-0"));
        client.Put(JobFactory.HeldDrive("td-0", "/drives/0", job, 3));
        return (client, job);
    }

    private static JobStatusWriter<BackupJob> Writer(FakeKubernetesClient client, BackupJob job, FenceSignal fence) =>
        new(client, BackupJobAdapter.Instance, job, Node, fence, TimeProvider.System, TimeSpan.FromMilliseconds(10), AgentLog.Null);

    private static CheckpointRecord Checkpoint(long sequence) => new() { Epoch = 3, Node = Node, Sequence = sequence, BytesDone = sequence * 100, Data = "{}", Digest = "x" };
}
