using System.Collections.Concurrent;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.DevCluster;
using Spool.DevCluster.Scenario;
using Spool.DevCluster.Workloads;
using Spool.Kube;

namespace Spool.EndToEnd.Tests;

/// <summary>
/// <c>snapshot.mode: CSISnapshot</c> on the embedded cluster with real processes: the agent takes a VolumeSnapshot,
/// the simulated snapshot controller copies the volume at that instant, the operator clones it and starts a helper pod
/// on the job's node, and the agent reads the clone. What the workload writes after the snapshot is not in the backup.
/// </summary>
[TestFixture]
[Category("EndToEnd")]
[NonParallelizable]
public sealed class CsiSnapshotTests : ClusterScenario
{
    private const string SnapshotFor = "spool.dev/snapshot-for";
    private const string CloneLabel = "spool.dev/snapshot-clone";

    [Test]
    [CancelAfter(240_000)]
    public async Task A_backup_holds_the_volume_as_it_was_when_the_snapshot_became_ready_and_leaves_nothing_behind()
    {
        var (workload, atSnapshot) = await WorkloadAsync("csisnap", seed: 11);
        var job = JobTemplates.Backup(Cluster.Repository, Namespace, "csisnap", workload.ClaimName, EndToEndSettings.CheckpointBytes, EndToEndSettings.CheckpointSeconds, CompressionMode.None);
        job = job with { Spec = job.Spec with { Source = job.Spec.Source with { Snapshot = new SnapshotSpec { Mode = SnapshotMode.CSISnapshot, VolumeSnapshotClassName = "spool-dev-snapshots" } } } };

        // The workload is written to from the moment its snapshot is ready; record what the operator starts meanwhile.
        var helpers = new ConcurrentDictionary<string, Pod>(StringComparer.Ordinal);
        var clones = new ConcurrentDictionary<string, PersistentVolumeClaim>(StringComparer.Ordinal);
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var recorder = RecordAsync(helpers, clones, watching.Token);

        await using var history = await Story.StartBackupAsync(job, Token);
        VolumeSnapshot? snapshot = null;
        await Wait.UntilAsync(
            async ct =>
            {
                snapshot = (await Cluster.Client.ListAsync<VolumeSnapshot>(Namespace, new ListOptions { LabelSelector = $"{SnapshotFor}=csisnap" }, ct)).Items
                    .FirstOrDefault(s => s.Status?.ReadyToUse == true);
                return snapshot is not null;
            },
            TimeSpan.FromSeconds(60),
            "the job's VolumeSnapshot to be readyToUse",
            Time,
            Token,
            TimeSpan.FromMilliseconds(50));
        var live = Cluster.WorkloadDataPath(workload);
        var changed = ChangeLiveVolume(live, atSnapshot);
        var afterChange = TreeManifest.Of(live);
        afterChange.Compare(atSnapshot).Should().NotBeEmpty("the live volume must differ from the snapshot for the test to mean anything");

        snapshot!.Metadata.Name.Should().Be("spool-csisnap-e1");
        snapshot.Metadata.Labels.Should().Contain("spool.dev/epoch", "1");
        snapshot.Spec.Source.PersistentVolumeClaimName.Should().Be(workload.ClaimName);
        snapshot.Status!.CreationTime.Should().NotBeNull();
        snapshot.Status.RestoreSize.Should().NotBeNullOrEmpty();
        snapshot.Status.BoundVolumeSnapshotContentName.Should().NotBeNullOrEmpty();
        snapshot.Metadata.OwnerReferences.Should().ContainSingle().Which.Name.Should().Be("csisnap");

        var final = await SucceededAsync(history);
        await watching.CancelAsync();
        await recorder;

        helpers.Values.Should().ContainSingle("one epoch, one helper pod");
        var helper = helpers.Values.Single();
        helper.Spec.NodeName.Should().Be(final.Node, "the helper runs where the agent of the job reads");
        helper.Spec.Volumes.Should().ContainSingle().Which.PersistentVolumeClaim!.ReadOnly.Should().BeTrue();
        clones.Values.Should().ContainSingle().Which.Spec.DataSource.Should().BeEquivalentTo(
            new TypedLocalObjectReference { ApiGroup = "snapshot.storage.k8s.io", Kind = "VolumeSnapshot", Name = snapshot.Metadata.Name! });
        changed.Should().Be(3);
        (await Story.EventsAsync(Namespace, "csisnap", Token)).Should().Contain(e => e.StartsWith("Normal SnapshotCloned:", StringComparison.Ordinal));

        var restore = await Story.RestoreAndVerifyAsync(Namespace, "csisnap", atSnapshot, new WorkloadSpec("csisnap-copy", Namespace, "1Gi"), EndToEndSettings.RestoreTimeout, Token);
        restore.Differences.Should().BeEmpty("the restore must be byte-identical with the volume at snapshot time");
        restore.Restored.Compare(afterChange).Should().NotBeEmpty("nothing written after the snapshot may be in the backup");

        await NothingLeftAsync("csisnap");
    }

    [Test]
    [CancelAfter(240_000)]
    public async Task A_killed_agent_resumes_on_a_new_snapshot_and_the_old_epochs_clone_is_cleaned_up()
    {
        var (workload, source) = await WorkloadAsync("csikill", seed: 12);
        var job = JobTemplates.Backup(Cluster.Repository, Namespace, "csikill", workload.ClaimName, EndToEndSettings.CheckpointBytes, EndToEndSettings.CheckpointSeconds, CompressionMode.None);
        job = job with { Spec = job.Spec with { Source = job.Spec.Source with { Snapshot = new SnapshotSpec { Mode = SnapshotMode.CSISnapshot, VolumeSnapshotClassName = "spool-dev-snapshots" } } } };
        await using var history = await Story.StartBackupAsync(job, Token);
        var before = await StreamingPastAsync(history, 0.25, source.Bytes);

        await Cluster.KillAgentAsync(before.Node!, Token);

        var after = await HandedOverAsync(history, before.Epoch);
        var epoch = after.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Wait.UntilAsync(
            async ct =>
            {
                var pods = (await Cluster.Client.ListAsync<Pod>(Namespace, new ListOptions { LabelSelector = $"{CloneLabel}=csikill" }, ct)).Items;
                return BackupStory.IsDone(history.Latest!) || (pods.Count == 1 && pods[0].Metadata.Labels!["spool.dev/epoch"] == epoch);
            },
            TimeSpan.FromSeconds(60),
            $"only the helper pod of epoch {epoch}",
            Time,
            Token);
        await AssertCleanRunAsync(history, workload, source);
        await NothingLeftAsync("csikill");
    }

    private Task NothingLeftAsync(string job) =>
        Wait.UntilAsync(
            async ct =>
                (await Cluster.Client.ListAsync<Pod>(Namespace, new ListOptions { LabelSelector = $"{CloneLabel}={job}" }, ct)).Items.Count == 0
                && (await Cluster.Client.ListAsync<PersistentVolumeClaim>(Namespace, new ListOptions { LabelSelector = $"{CloneLabel}={job}" }, ct)).Items.Count == 0
                && (await Cluster.Client.ListAsync<VolumeSnapshot>(Namespace, new ListOptions { LabelSelector = $"{SnapshotFor}={job}" }, ct)).Items.Count == 0
                && !Directory.EnumerateFileSystemEntries(Cluster.Layout.SnapshotsDirectory).Any()
                && !(await Cluster.Client.ListAsync<PersistentVolume>(cancellationToken: ct)).Items.Any(pv => pv.Spec.ClaimRef?.Name?.StartsWith($"spool-clone-{job}-", StringComparison.Ordinal) == true),
            TimeSpan.FromSeconds(30),
            "the helper pod, the clone claim and its volume, the VolumeSnapshot and its copy to be gone",
            Time,
            Token);

    /// <summary>Overwrites one file, removes another and adds a third; returns how many changes were made.</summary>
    private static int ChangeLiveVolume(string root, TreeManifest atSnapshot)
    {
        var files = atSnapshot.Entries.Where(e => e.Type == 'f' && e.Size > 0).Take(2).ToList();
        files.Should().HaveCount(2);
        var overwritten = Path.Combine(root, files[0].Path);
        var bytes = File.ReadAllBytes(overwritten);
        bytes[0] ^= 0xff;
        File.WriteAllBytes(overwritten, bytes);
        File.Delete(Path.Combine(root, files[1].Path));
        File.WriteAllText(Path.Combine(root, "written-after-the-snapshot.txt"), "not in the backup\n");
        return 3;
    }

    private async Task RecordAsync(ConcurrentDictionary<string, Pod> helpers, ConcurrentDictionary<string, PersistentVolumeClaim> clones, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                foreach (var pod in (await Cluster.Client.ListAsync<Pod>(Namespace, new ListOptions { LabelSelector = $"{CloneLabel}=csisnap" }, cancellationToken)).Items)
                {
                    helpers[pod.Metadata.Name!] = pod;
                }

                foreach (var claim in (await Cluster.Client.ListAsync<PersistentVolumeClaim>(Namespace, new ListOptions { LabelSelector = $"{CloneLabel}=csisnap" }, cancellationToken)).Items)
                {
                    clones[claim.Metadata.Name!] = claim;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), Time, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
