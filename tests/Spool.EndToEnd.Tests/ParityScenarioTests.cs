using Spool.Api.V1Alpha1;
using Spool.DevCluster.Scenario;

namespace Spool.EndToEnd.Tests;

/// <summary>
/// A Parity 3+1 BackupJob over four Directory drives on the embedded cluster: a member drive fails mid-job, the owner
/// node is then killed, the job resumes degraded on the new owner, and a RestoreJob with the failed member deleted is
/// byte-identical, the degraded member named in the backup's status.
/// </summary>
[TestFixture]
[Category("EndToEnd")]
[NonParallelizable]
public sealed class ParityScenarioTests : ClusterScenario
{
    private static readonly string[] Members = ["td-0", "td-1", "td-2", "td-3"];

    protected override int DriveCount => 4;

    [Test]
    [CancelAfter(300_000)]
    public async Task A_member_drive_failing_then_the_node_dying_leaves_a_degraded_backup_that_restores_without_that_member()
    {
        var (workload, source) = await WorkloadAsync("striped", seed: 11);
        var job = JobTemplates.Backup(Cluster.Repository, Namespace, "striped", workload.ClaimName, EndToEndSettings.CheckpointBytes, EndToEndSettings.CheckpointSeconds, CompressionMode.None);
        job = job with
        {
            Spec = job.Spec with
            {
                Destination = new BackupDestination { Drives = Members, Redundancy = new RedundancySpec { Mode = RedundancyMode.Parity, Width = 4 } },
            },
        };
        await using var history = await Story.StartBackupAsync(job, Token);
        var before = await StreamingPastAsync(history, 0.2, source.Bytes);
        before.Status.Drives!.Select(d => d.Name).Should().BeEquivalentTo(Members, "a parity 3+1 job holds all four drives at once");
        const string lost = "td-2";

        await Cluster.DriveFailAsync(lost, Token);

        var degraded = await HandedOverAsync(history, before.Epoch, v => v.Status.DegradedStripes is { Count: > 0 });
        degraded.Status.DegradedStripes!.Single().Drive.Should().Be(lost);
        degraded.Status.Drives!.Single(d => d.Name == lost).State.Should().Be("Failed");
        degraded.Status.ResumeFrom.Should().NotBeNull("a lost parity member loses nothing: the job resumes from its checkpoint");

        if (!BackupStory.IsDone(degraded))
        {
            var streaming = await history.WaitForAsync(
                v => BackupStory.IsDone(v) || (BackupStory.IsStreaming(v) && v.Epoch == degraded.Epoch && v.Status.Checkpoint?.Epoch == v.Epoch),
                EndToEndSettings.BackupTimeout, "the degraded epoch to checkpoint", Token);
            if (!BackupStory.IsDone(streaming))
            {
                await Cluster.KillNodeAsync(streaming.Node!, Token);
                var moved = await HandedOverAsync(history, streaming.Epoch, v => v.Node != streaming.Node);
                moved.Status.Drives!.Where(d => d.State == "Active").Select(d => d.Name).Should().NotContain(lost, "a lost member is not taken back");
                TestContext.Out.WriteLine($"node {streaming.Node} killed at epoch {streaming.Epoch}; resumed on {moved.Node} at epoch {moved.Epoch}");
            }
        }

        var final = await SucceededAsync(history);
        final.Status.DegradedStripes.Should().ContainSingle().Which.Should().Match<DegradedRange>(r => r.Drive == lost && r.ToStripe != null && r.ToStripe >= r.FromStripe);
        final.Status.Drives!.Single(d => d.Name == lost).State.Should().Be("Failed", "the degraded member stays named in status");
        final.Status.Catalog!.Redundancy.Should().Be(RedundancyMode.Parity);

        // The failed member is gone for good before the restore.
        await Cluster.Client.DeleteAsync<TapeDrive>(lost, cancellationToken: Token);
        await AssertCleanRunAsync(history, workload, source, driveLost: true);
    }
}
