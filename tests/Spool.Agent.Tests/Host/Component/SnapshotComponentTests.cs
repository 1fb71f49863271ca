using Spool.Agent.Host.Jobs;
using Spool.Agent.Host.Snapshots;
using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;

namespace Spool.Agent.Tests.Host.Component;

/// <summary>
/// The agent's side of CSISnapshot mode against the embedded API server; the test plays the snapshot controller and
/// the operator (it marks the snapshot ready and creates the helper pods).
/// </summary>
[Category("Component")]
public sealed class SnapshotComponentTests
{
    private AgentHarness _harness = null!;

    [SetUp]
    public async Task SetUp() => _harness = await AgentHarness.StartAsync();

    [TearDown]
    public async Task TearDown()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            await TestContext.Out.WriteLineAsync(_harness.Log.ToString());
        }

        await _harness.DisposeAsync();
    }

    [Test]
    public async Task The_agent_snapshots_the_claim_and_reads_the_clone_of_its_own_epoch_not_an_older_one()
    {
        var (pod, _) = await _harness.CreateWorkloadAsync("db-0", megabytes: 1);
        await _harness.CreateDriveAsync("td-0");
        var job = await _harness.CreateBackupJobAsync("nightly");
        job = await _harness.Client.UpdateAsync(job with
        {
            Spec = job.Spec with { Source = job.Spec.Source with { Snapshot = new SnapshotSpec { Mode = SnapshotMode.CSISnapshot, VolumeSnapshotClassName = "csi-snap" } } },
        });

        // A helper of epoch 1 is still on the node when epoch 2 starts: it mounts an older snapshot.
        await HelperAsync("nightly", epoch: 1, files: 1);
        await HelperAsync("nightly", epoch: 2, files: 3);
        await _harness.StartAgentAsync();
        await _harness.AssignBackupAsync(job, pod, epoch: 2, AgentHarness.Node, "td-0");

        var snapshot = await _harness.WaitForAsync<VolumeSnapshot>("spool-nightly-e2", _ => true);
        snapshot.Metadata.Labels.Should().Contain(SnapshotCoordinator.SnapshotForLabel, "nightly").And.Contain(SnapshotCoordinator.EpochLabel, "2");
        snapshot.Spec.Source.PersistentVolumeClaimName.Should().Be("data");
        snapshot.Spec.VolumeSnapshotClassName.Should().Be("csi-snap");
        snapshot.Metadata.OwnerReferences.Should().ContainSingle().Which.Should().BeEquivalentTo(new OwnerReference
        {
            ApiVersion = SpoolGroup.ApiVersion, Kind = BackupJob.KindValue, Name = "nightly", Uid = job.Metadata.Uid!,
        });
        await _harness.Client.UpdateStatusAsync(snapshot with { Status = new VolumeSnapshotStatus { ReadyToUse = true, RestoreSize = "1Gi", BoundVolumeSnapshotContentName = "snapcontent-test" } });

        var done = await _harness.WaitForAsync<BackupJob>("nightly", j => j.Status?.Report is not null);

        done.Status!.Report!.Outcome.Should().Be(ReportOutcomes.Completed, _harness.Log.ToString());
        done.Status.Report.Catalog!.Files.Should().Be(3, "the clone of epoch 2 holds 3 files; the one of epoch 1 holds 1");
        (await _harness.Client.GetAsync<VolumeSnapshot>("spool-nightly-e2", AgentHarness.Namespace)).Should().BeNull("the agent deletes its snapshot when the epoch's work ends");
    }

    [Test]
    public async Task A_snapshot_that_reports_an_error_fails_the_job_with_SnapshotFailed()
    {
        var (pod, _) = await _harness.CreateWorkloadAsync("db-0", megabytes: 1);
        await _harness.CreateDriveAsync("td-0");
        var job = await _harness.CreateBackupJobAsync("nightly");
        job = await _harness.Client.UpdateAsync(job with
        {
            Spec = job.Spec with { Source = job.Spec.Source with { Snapshot = new SnapshotSpec { Mode = SnapshotMode.CSISnapshot, VolumeSnapshotClassName = "csi-snap" } } },
        });
        await _harness.StartAgentAsync();
        await _harness.AssignBackupAsync(job, pod, epoch: 1, AgentHarness.Node, "td-0");

        var snapshot = await _harness.WaitForAsync<VolumeSnapshot>("spool-nightly-e1", _ => true);
        await _harness.Client.UpdateStatusAsync(snapshot with
        {
            Status = new VolumeSnapshotStatus { ReadyToUse = false, Error = new System.Text.Json.Nodes.JsonObject { ["message"] = "driver refused" } },
        });

        var done = await _harness.WaitForAsync<BackupJob>("nightly", j => j.Status?.Report is not null);

        done.Status!.Report!.Outcome.Should().Be(ReportOutcomes.Failed);
        done.Status.Report.Reason.Should().Be(ReportReasons.SnapshotFailed);
        done.Status.Report.Message.Should().Contain("driver refused");
    }

    /// <summary>A Running helper pod on the agent's node, mounting a clone claim whose volume holds <paramref name="files"/> files.</summary>
    private async Task HelperAsync(string job, long epoch, int files)
    {
        var name = $"spool-clone-{job}-e{epoch}";
        var volume = $"pv-clone-e{epoch}";
        await _harness.Client.CreateAsync(new PersistentVolumeClaim
        {
            Metadata = new ObjectMeta { Name = name, Namespace = AgentHarness.Namespace },
            Spec = new PersistentVolumeClaimSpec { VolumeName = volume, AccessModes = ["ReadWriteOnce"] },
        });
        var labels = new Dictionary<string, string> { [SnapshotCoordinator.CloneLabel] = job, [SnapshotCoordinator.EpochLabel] = epoch.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var pod = await _harness.Client.CreateAsync(new Pod
        {
            Metadata = new ObjectMeta { Name = name, Namespace = AgentHarness.Namespace, Labels = labels },
            Spec = new PodSpec
            {
                NodeName = AgentHarness.Node,
                Containers = [new Container { Name = "mount", Image = "pause" }],
                Volumes = [new Volume { Name = "data", PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = name, ReadOnly = true } }],
            },
        });
        await _harness.Client.UpdateStatusAsync(pod with { Status = new PodStatus { Phase = "Running" } });
        var mount = Path.Combine(_harness.KubeletRoot, "pods", pod.Metadata.Uid!, "volumes", "kubernetes.io~csi", volume, "mount");
        Directory.CreateDirectory(mount);
        for (var i = 0; i < files; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(mount, $"file-{i}.txt"), $"epoch {epoch} file {i}\n");
        }
    }
}
