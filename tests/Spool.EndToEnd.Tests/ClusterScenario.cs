using System.Globalization;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.DevCluster;
using Spool.DevCluster.Scenario;
using Spool.DevCluster.Workloads;

namespace Spool.EndToEnd.Tests;

/// <summary>
/// One embedded cluster per test, with real operator and agent processes. On failure the cluster directory (logs of
/// every process) is kept and the tails of the logs are printed.
/// </summary>
public abstract class ClusterScenario
{
    protected const string Namespace = "default";

    protected static readonly TimeProvider Time = TimeProvider.System;

    private string? directory;

    protected DevCluster.DevCluster Cluster { get; private set; } = null!;

    protected BackupStory Story { get; private set; } = null!;

    protected CancellationToken Token => TestContext.CurrentContext.CancellationToken;

    /// <summary>TapeDrives td-0 … td-(n-1) the cluster starts with.</summary>
    protected virtual int DriveCount => 2;

    /// <summary>Per drive index, the nodes that reach it; null (the default) for every node.</summary>
    protected virtual Func<int, IReadOnlyList<string>?>? DriveNodes => null;

    [SetUp]
    public async Task StartClusterAsync()
    {
        directory = Path.Combine(Path.GetTempPath(), "spool-e2e", TestContext.CurrentContext.Test.MethodName + "-" + Guid.NewGuid().ToString("N")[..8]);
        Cluster = await DevCluster.DevCluster.StartAsync(new DevClusterOptions
        {
            Directory = directory,
            Nodes = 3,
            Drives = DriveCount,
            DriveNodes = DriveNodes,
            AgentCpuLimit = EndToEndSettings.AgentCpuLimit,
        }, Token);
        Story = new BackupStory(Cluster);
    }

    [TearDown]
    public async Task StopClusterAsync()
    {
        var failed = TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed;
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        if (directory is null)
        {
            return;
        }

        if (failed)
        {
            TestContext.Out.WriteLine($"cluster directory kept: {directory}");
            var logs = Path.Combine(directory, "logs");
            foreach (var log in Directory.Exists(logs) ? Directory.GetFiles(logs, "*.log").Order(StringComparer.Ordinal).ToArray() : [])
            {
                var lines = File.ReadAllLines(log);
                TestContext.Out.WriteLine($"==== {Path.GetFileName(log)} (last 40 of {lines.Length} lines)");
                foreach (var line in lines.TakeLast(40))
                {
                    TestContext.Out.WriteLine(line);
                }
            }
        }
        else
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    protected async Task<(WorkloadSpec Workload, TreeManifest Source)> WorkloadAsync(string name, int seed, string? preferredNode = null, long bytes = EndToEndSettings.DataBytes) =>
        await Story.PrepareWorkloadAsync(new WorkloadSpec(name, Namespace, "1Gi", preferredNode), bytes, seed, Token);

    protected async Task<JobHistory> BackupAsync(WorkloadSpec workload, string name)
    {
        var job = JobTemplates.Backup(Cluster.Repository, Namespace, name, workload.ClaimName, EndToEndSettings.CheckpointBytes, EndToEndSettings.CheckpointSeconds, CompressionMode.None);
        return await Story.StartBackupAsync(job, Token);
    }

    /// <summary>The job streams in its current epoch, has acknowledged a checkpoint of it, and is past the given fraction.</summary>
    protected async Task<JobVersion> StreamingPastAsync(JobHistory history, double fraction, long total)
    {
        var version = await history.WaitForAsync(
            v => BackupStory.IsStreaming(v) && v.Status.Checkpoint?.Epoch == v.Epoch && v.Status.Progress!.BytesDone >= fraction * total,
            EndToEndSettings.BackupTimeout,
            $"streaming past {fraction:P0} with a checkpoint",
            Token);
        if (BackupStory.IsDone(version))
        {
            Assert.Fail("the backup finished before the fault could be injected; lower EndToEndSettings.AgentCpuLimit");
        }

        return version;
    }

    protected Task<JobVersion> SucceededAsync(JobHistory history) =>
        history.WaitForAsync(BackupStory.IsDone, EndToEndSettings.BackupTimeout, "the backup to succeed", Token);

    protected async Task<JobVersion> HandedOverAsync(JobHistory history, long fromEpoch, Func<JobVersion, bool>? also = null) =>
        await history.WaitForAsync(
            v => v.Epoch > fromEpoch && v.Node is not null && (v.Phase is BackupPhase.Running || BackupStory.IsDone(v)) && (also?.Invoke(v) ?? true),
            EndToEndSettings.BackupTimeout,
            $"a hand-over past epoch {fromEpoch}",
            Token);

    /// <summary>The checks every scenario ends with.</summary>
    protected async Task<RestoreOutcome> AssertCleanRunAsync(JobHistory history, WorkloadSpec workload, TreeManifest source, bool driveLost = false)
    {
        var final = await SucceededAsync(history);
        var violations = history.SafetyViolations();
        violations.Should().BeEmpty("the job must never run on two nodes at once nor accept a write of an old epoch; history:\n" + string.Join('\n', history.Versions));

        var handovers = history.Handovers();
        if (!driveLost)
        {
            foreach (var attempt in final.Status.Attempts ?? [])
            {
                attempt.BytesResent.Should().BeLessThanOrEqualTo(EndToEndSettings.CheckpointBytes, $"attempt of epoch {attempt.Epoch} re-sent more than one checkpoint interval");
            }

            foreach (var handover in handovers)
            {
                // An agent that starts after its node was given the job hands it back before streaming (it cannot tell
                // that no earlier process of its own wrote to the drive); with no checkpoint yet, starting over is right.
                if (handover.CheckpointExisted)
                {
                    handover.Fresh.Should().BeFalse($"epoch {handover.ToEpoch} must resume from a checkpoint, not start over");
                }

                handover.ObservedBytesResent.Should().BeLessThanOrEqualTo(EndToEndSettings.CheckpointBytes, $"epoch {handover.ToEpoch} resumed more than one interval behind what epoch {handover.FromEpoch} reported");
            }
        }

        var restore = await Story.RestoreAndVerifyAsync(Namespace, history.Latest!.Job.Metadata.Name!, source, new WorkloadSpec(workload.Name + "-copy", Namespace, "1Gi"), EndToEndSettings.RestoreTimeout, Token);
        restore.Differences.Should().BeEmpty("the restore must be byte-identical (SHA-256 per file) with the same metadata");
        restore.Restored.Files.Should().Be(source.Files);
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"backup {final.Phase} in epoch {final.Epoch} on {final.Node}; {handovers.Count} hand-overs; re-sent {final.Status.Attempts?.Sum(a => a.BytesResent)} B; restore on {restore.Node} in {restore.Duration.TotalSeconds:F1} s, {restore.Restored.Files} files identical"));
        return restore;
    }

    protected async Task<Pod> WorkloadPodAsync(WorkloadSpec workload, Func<Pod, bool>? predicate = null) =>
        await Cluster.WaitForWorkloadPodAsync(workload, predicate ?? (_ => true), TimeSpan.FromSeconds(60), Token);
}
