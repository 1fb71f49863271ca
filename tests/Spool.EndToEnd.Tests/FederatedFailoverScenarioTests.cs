using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.DevCluster.Scenario;
using Spool.Kube;

namespace Spool.EndToEnd.Tests;

/// <summary>
/// A federated run on the embedded cluster with real processes, drives reachable from every node: a workload is
/// rescheduled onto another node while its volume streams, and the run's child for it follows the volume by itself,
/// resuming from its checkpoint on the new node while the old reader is fenced; the run captures every volume in its
/// pass, and the moved volume restores byte-identical.
/// </summary>
[TestFixture]
[Category("EndToEnd")]
[NonParallelizable]
public sealed class FederatedFailoverScenarioTests : ClusterScenario
{
    private const string Run = "nightly";
    private const long VolumeBytes = 2L << 20;
    private const string SelectedLabels = """{"metadata":{"labels":{"backup":"nightly"}}}""";

    [Test]
    [CancelAfter(300_000)]
    public async Task A_workload_moving_while_its_volume_streams_is_followed_by_its_child_which_resumes_from_its_checkpoint_on_the_new_node()
    {
        var (streamed, streamedSource) = await WorkloadAsync("stream", seed: 200, "node-1");
        var others = await Task.WhenAll(new[] { "node-2", "node-3" }.Select((node, i) => WorkloadAsync($"side-{i}", seed: 201 + i, node, VolumeBytes)));
        var workloads = others.Append((Workload: streamed, Source: streamedSource)).ToDictionary(p => Namespace + "/" + p.Workload.ClaimName, StringComparer.Ordinal);
        foreach (var (workload, _) in workloads.Values)
        {
            await Cluster.Client.PatchAsync<PersistentVolumeClaim>(workload.ClaimName, Namespace, KubePatch.Merge(SelectedLabels), cancellationToken: Token);
        }

        var job = JobTemplates.FederatedBackup(Cluster.Repository, Namespace, Run, EndToEndSettings.CheckpointBytes, EndToEndSettings.CheckpointSeconds);
        await using var history = await Story.StartBackupAsync(job, Token);
        var released = await history.WaitForAsync(
            v => v.Status.Volumes?.SingleOrDefault(t => t.PersistentVolumeClaim == streamed.ClaimName)?.Job is not null,
            EndToEndSettings.BackupTimeout,
            $"the child of {streamed.ClaimName} to be released",
            Token);
        var childName = released.Status.Volumes!.Single(t => t.PersistentVolumeClaim == streamed.ClaimName).Job!;
        await using var child = new JobHistory(Cluster.Client, Namespace, childName, Time);
        await child.StartAsync(Token);
        var before = await StreamingPastAsync(child, 0.05, streamedSource.Bytes);
        before.Node.Should().Be("node-1");

        // node-1's agent is held (SIGSTOP) mid-stream, so that it cannot finish the volume before the move is noticed;
        // node-1 itself stays Ready. The workload is then rescheduled onto node-3: the child follows the volume by itself.
        var reader = Cluster.Nodes["node-1"].Agent!;
        reader.Pause();
        await Cluster.MoveWorkloadAsync(streamed, "node-3", TimeSpan.FromSeconds(60), Token);
        var after = await HandedOverAsync(child, before.Epoch, v => v.Node == "node-3");
        after.Status.ResumeFrom.Should().NotBeNull("the new epoch resumes from the last checkpoint of the old one");
        after.Status.ResumeFrom!.BytesDone.Should().BeGreaterThan(0);
        after.Status.Attempts!.First().Reason.Should().Be("VolumeMoved", "the workload moved; node-1 and its agent's Lease were still fine");

        // The old reader continues, fenced: nothing it writes from now on may count.
        reader.Resume();

        var final = await history.WaitForAsync(v => BackupStory.IsDone(v), EndToEndSettings.BackupTimeout, "the federated run to finish", Token);
        final.Phase.Should().Be(BackupPhase.Succeeded, JobHistory.Describe(final));
        final.Status.Verification!.Expected.Should().BeEquivalentTo(workloads.Keys);
        final.Status.Verification.Captured.Should().BeEquivalentTo(workloads.Keys, "the child captured the volume on the node it moved to");
        final.Status.Verification.Missed.Should().BeEmpty();
        var task = final.Status.Volumes!.Single(t => t.PersistentVolumeClaim == streamed.ClaimName);
        task.Job.Should().Be(childName);
        task.Node.Should().Be("node-3");
        task.Attempts.Should().BeGreaterThanOrEqualTo(2, "the parent mirrors the child's attempts");
        await AssertCleanRunAsync(child, streamed, streamedSource);
    }
}
