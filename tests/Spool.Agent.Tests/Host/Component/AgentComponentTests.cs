using Spool.Agent.Host.Heartbeat;
using Spool.Agent.Host.Jobs;
using Spool.Agent.Host.Streaming;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;

namespace Spool.Agent.Tests.Host.Component;

[Category("Component")]
public sealed class AgentComponentTests
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
    public async Task An_assigned_backup_streams_writes_checkpoints_and_reports_a_verified_catalog()
    {
        var (pod, _) = await _harness.CreateWorkloadAsync("db-0", megabytes: 6);
        await _harness.CreateDriveAsync("td-0");
        var job = await _harness.CreateBackupJobAsync("nightly", new BackupHooks
        {
            Pre = [new ExecHook { Command = ["sync"] }],
            Post = [new ExecHook { Command = ["fail", "unfreeze"], OnError = HookErrorMode.Continue }],
        });
        await _harness.StartAgentAsync();
        await _harness.AssignBackupAsync(job, pod, epoch: 1, AgentHarness.Node, "td-0");

        var done = await _harness.WaitForAsync<BackupJob>("nightly", j => j.Status?.Report is not null);

        var status = done.Status!;
        status.Report!.Outcome.Should().Be(ReportOutcomes.Completed, _harness.Log.ToString());
        status.Report.Epoch.Should().Be(1);
        status.Report.Node.Should().Be(AgentHarness.Node);
        status.Report.Catalog!.Verified.Should().BeTrue();
        status.Report.Catalog.BackupId.Should().Be(status.BackupId);
        status.Report.Catalog.Drives.Should().Equal("td-0");
        status.Report.Catalog.Files.Should().Be(52);
        status.Report.Catalog.Bytes.Should().BeGreaterThan(6 << 20);
        status.Report.Catalog.CatalogDigest.Should().MatchRegex("^[0-9a-f]{64}$");
        status.Checkpoint!.Epoch.Should().Be(1);
        status.Checkpoint.Node.Should().Be(AgentHarness.Node);
        status.Checkpoint.Sequence.Should().BeGreaterThan(1, "6 MiB at a 1 MiB interval makes several checkpoints");
        status.Checkpoint.Digest.Should().Be(CheckpointCodec.Digest(status.Checkpoint.Data!));
        CheckpointCodec.Deserialize(status.Checkpoint.Data!)!.Epoch.Should().Be(1);
        status.Progress!.Percent.Should().Be("100%");
        status.Warnings.Should().ContainSingle(w => w.Contains("post hook 0", StringComparison.Ordinal) && w.Contains("exit code 3", StringComparison.Ordinal));
        _harness.Exec.Commands.Should().Equal($"{AgentHarness.Namespace}/db-0/app: sync", $"{AgentHarness.Namespace}/db-0/app: fail unfreeze");
        _harness.Metrics.BytesStreamed.Should().BeGreaterThan(6 << 20);
        _harness.Metrics.Checkpoints.Should().Be(status.Checkpoint.Sequence);

        var lease = await _harness.Client.GetAsync<Lease>(LeaseHeartbeat.LeaseName(AgentHarness.Node), "spool-system");
        lease!.Spec.HolderIdentity.Should().Be(AgentHarness.Node + "/test");
        lease.Spec.LeaseDurationSeconds.Should().Be(6);
    }

    [Test]
    public async Task A_newer_epoch_written_mid_stream_fences_the_stream_and_nothing_more_is_written()
    {
        var (pod, _) = await _harness.CreateWorkloadAsync("db-0", megabytes: 8);
        await _harness.CreateDriveAsync("td-0");
        var job = await _harness.CreateBackupJobAsync("nightly");
        var engine = new GatedEngine(new DataPathEngine(TimeProvider.System), holdAtCheckpoint: 2);
        await _harness.StartAgentAsync(engine);
        await _harness.AssignBackupAsync(job, pod, epoch: 1, AgentHarness.Node, "td-0");
        await engine.Reached.WaitAsync(TimeSpan.FromSeconds(60));
        var beforeTakeover = (await _harness.Client.GetAsync<BackupJob>("nightly", AgentHarness.Namespace))!;
        beforeTakeover.Status!.Checkpoint!.Sequence.Should().Be(1);

        // The operator fails the job over to another node: new claim, then epoch 2 on node-b.
        await _harness.ClaimAsync("td-0", BackupJob.KindValue, "nightly", job.Metadata.Uid, 2, "node-b");
        var takenOver = await _harness.Client.UpdateStatusAsync(beforeTakeover with
        {
            Status = beforeTakeover.Status with { Epoch = 2, Node = "node-b", Attempts = [.. beforeTakeover.Status.Attempts!, new Attempt { Epoch = 2, Node = "node-b", Drives = ["td-0"] }] },
        });
        engine.Open();

        await WaitUntilAsync(() => _harness.Host!.RunningStreams == 0 && engine.LastResult is not null || engine.LastError is not null, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(1));
        var after = (await _harness.Client.GetAsync<BackupJob>("nightly", AgentHarness.Namespace))!;

        after.Metadata.ResourceVersion.Should().Be(takenOver.Metadata.ResourceVersion, "the fenced agent wrote nothing after the hand-over");
        after.Status!.Checkpoint!.Epoch.Should().Be(1);
        after.Status.Checkpoint.Sequence.Should().Be(1, "the held checkpoint was never acknowledged");
        after.Status.Report.Should().BeNull();
        (engine.LastError is OperationCanceledException || engine.LastResult?.Outcome == Spool.DataPath.BackupOutcome.Fenced).Should().BeTrue($"the stream stopped (error: {engine.LastError})");
        _harness.Metrics.Fenced.Should().Be(1);
        _harness.Log.ToString().Should().Contain("\"msg\":\"Fenced\"");
    }

    [Test]
    public async Task A_job_in_flight_when_the_agent_starts_is_handed_back_not_continued()
    {
        var (pod, _) = await _harness.CreateWorkloadAsync("db-0", megabytes: 1);
        await _harness.CreateDriveAsync("td-0");
        var job = await _harness.CreateBackupJobAsync("nightly");
        await _harness.AssignBackupAsync(job, pod, epoch: 4, AgentHarness.Node, "td-0");

        await _harness.StartAgentAsync();
        var handedBack = await _harness.WaitForAsync<BackupJob>("nightly", j => j.Status?.Report is not null);

        handedBack.Status!.Report!.Outcome.Should().Be(ReportOutcomes.HandedBack);
        handedBack.Status.Report.Reason.Should().Be(ReportReasons.AgentRestarted);
        handedBack.Status.Report.Epoch.Should().Be(4);
        handedBack.Status.Checkpoint.Should().BeNull("nothing was streamed at the old epoch");

        // Re-assigned at epoch 5 (to the same node), the agent takes it up.
        await _harness.AssignBackupAsync(handedBack, pod, epoch: 5, AgentHarness.Node, "td-0");
        var done = await _harness.WaitForAsync<BackupJob>("nightly", j => j.Status?.Report?.Epoch == 5);
        done.Status!.Report!.Outcome.Should().Be(ReportOutcomes.Completed);
    }

    [Test]
    public async Task A_missing_volume_or_secret_is_reported_failed_with_its_reason()
    {
        var (pod, mount) = await _harness.CreateWorkloadAsync("db-0", megabytes: 1);
        await _harness.CreateDriveAsync("td-0");
        Directory.Delete(Path.GetDirectoryName(mount)!, recursive: true);
        var job = await _harness.CreateBackupJobAsync("nightly");
        await _harness.StartAgentAsync();
        await _harness.AssignBackupAsync(job, pod, epoch: 1, AgentHarness.Node, "td-0");

        var failed = await _harness.WaitForAsync<BackupJob>("nightly", j => j.Status?.Report is not null);

        failed.Status!.Report!.Outcome.Should().Be(ReportOutcomes.Failed);
        failed.Status.Report.Reason.Should().Be(ReportReasons.VolumeNotFound);

        var encrypted = await _harness.Client.CreateAsync(new BackupJob
        {
            Metadata = new() { Name = "encrypted", Namespace = AgentHarness.Namespace, Labels = new Dictionary<string, string> { [SpoolGroup.NodeLabel] = AgentHarness.Node } },
            Spec = new BackupJobSpec
            {
                Source = new BackupSource { PersistentVolumeClaim = "data" },
                Destination = new BackupDestination { Drives = ["td-0"], Encryption = new EncryptionSpec { SecretRef = new() { Name = "no-such-secret", Key = "key" } } },
            },
        });
        await _harness.AssignBackupAsync(encrypted, pod, epoch: 1, AgentHarness.Node, "td-0");
        var noSecret = await _harness.WaitForAsync<BackupJob>("encrypted", j => j.Status?.Report is not null);
        noSecret.Status!.Report!.Reason.Should().Be(ReportReasons.SecretNotFound);
    }

    [Test]
    public async Task A_restore_into_a_node_path_is_byte_identical()
    {
        var (pod, mount) = await _harness.CreateWorkloadAsync("db-0", megabytes: 3);
        await _harness.CreateDriveAsync("td-0");
        var job = await _harness.CreateBackupJobAsync("nightly");
        await _harness.StartAgentAsync();
        await _harness.AssignBackupAsync(job, pod, epoch: 1, AgentHarness.Node, "td-0");
        var backup = await _harness.WaitForAsync<BackupJob>("nightly", j => j.Status?.Report is not null);
        backup.Status!.Report!.Outcome.Should().Be(ReportOutcomes.Completed, _harness.Log.ToString());

        var restore = await _harness.Client.CreateAsync(new RestoreJob
        {
            Metadata = new() { Name = "bring-back", Namespace = AgentHarness.Namespace, Labels = new Dictionary<string, string> { [SpoolGroup.NodeLabel] = AgentHarness.Node } },
            Spec = new RestoreJobSpec
            {
                Source = new RestoreSource { BackupJob = "nightly" },
                Target = new RestoreTarget { NodePath = new NodePathTarget { Node = AgentHarness.Node, Path = "/restore/out" } },
            },
        });
        await _harness.ClaimAsync("td-0", RestoreJob.KindValue, "bring-back", restore.Metadata.Uid, 1, AgentHarness.Node);
        await _harness.Client.UpdateStatusAsync(restore with
        {
            Status = new RestoreJobStatus
            {
                Phase = RestorePhase.Running,
                Epoch = 1,
                Node = AgentHarness.Node,
                Backup = backup.Status.Report.Catalog,
                Drives = [new HeldDrive { Name = "td-0" }],
            },
        });

        var restored = await _harness.WaitForAsync<RestoreJob>("bring-back", j => j.Status?.Report is not null);

        restored.Status!.Report!.Outcome.Should().Be(ReportOutcomes.Completed, restored.Status.Report.Message);
        restored.Status.Progress!.Percent.Should().Be("100%");
        restored.Status.Checkpoint!.Epoch.Should().Be(1);
        AgentHarness.Snapshot(Path.Combine(_harness.Root, "restore", "out")).Should().BeEquivalentTo(AgentHarness.Snapshot(mount));
    }

    [Test]
    public async Task An_incremental_backup_builds_on_the_newest_complete_backup_in_the_catalog()
    {
        var (pod, mount) = await _harness.CreateWorkloadAsync("db-0", megabytes: 2);
        await _harness.CreateDriveAsync("td-0");
        await _harness.StartAgentAsync();
        var full = await _harness.CreateBackupJobAsync("full");
        await _harness.AssignBackupAsync(full, pod, epoch: 1, AgentHarness.Node, "td-0");
        var fullDone = await _harness.WaitForAsync<BackupJob>("full", j => j.Status?.Report is not null);
        fullDone.Status!.Report!.Catalog!.Parent.Should().BeNull();

        // The operator records the finished backup in the drive's catalog ConfigMap.
        var entry = new CatalogEntry
        {
            BackupId = fullDone.Status.Report.Catalog.BackupId,
            Namespace = AgentHarness.Namespace,
            PersistentVolumeClaim = "data",
            Time = DateTimeOffset.UtcNow,
            Mode = BackupMode.Full,
            Drives = ["td-0"],
            State = CatalogEntryState.Complete,
        };
        await _harness.Client.CreateAsync(new ConfigMap
        {
            Metadata = new() { Name = "spool-catalog-td-0", Namespace = "spool-system", Labels = new Dictionary<string, string> { ["spool.dev/catalog"] = "true" } },
            Data = new Dictionary<string, string> { [$"{AgentHarness.Namespace}_data"] = Spool.Api.KubeJson.Serialize(new[] { entry }) },
        });
        await File.WriteAllTextAsync(Path.Combine(mount, "sub", "changed.txt"), "new since the full backup\n");
        var incremental = await _harness.Client.CreateAsync(new BackupJob
        {
            Metadata = new() { Name = "incremental", Namespace = AgentHarness.Namespace, Labels = new Dictionary<string, string> { [SpoolGroup.NodeLabel] = AgentHarness.Node } },
            Spec = new BackupJobSpec { Mode = BackupMode.Incremental, Source = new BackupSource { PersistentVolumeClaim = "data" }, Destination = new BackupDestination { Drives = ["td-0"] } },
        });
        await _harness.ClaimAsync("td-0", BackupJob.KindValue, "incremental", incremental.Metadata.Uid, 1, AgentHarness.Node);
        await _harness.AssignBackupAsync(incremental, pod, epoch: 1, AgentHarness.Node, "td-0");

        var done = await _harness.WaitForAsync<BackupJob>("incremental", j => j.Status?.Report is not null);

        done.Status!.Report!.Outcome.Should().Be(ReportOutcomes.Completed, done.Status.Report.Message);
        done.Status.Report.Catalog!.Parent.Should().Be(entry.BackupId);
        done.Status.Report.Catalog.Verified.Should().BeTrue();
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!condition())
        {
            await Task.Delay(50, deadline.Token);
        }
    }
}
