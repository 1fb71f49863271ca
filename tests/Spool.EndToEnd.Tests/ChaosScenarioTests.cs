using Spool.Api.V1Alpha1;
using Spool.DevCluster;
using Spool.DevCluster.Nodes;
using Spool.DevCluster.Scenario;
using Spool.DevCluster.Workloads;

namespace Spool.EndToEnd.Tests;

/// <summary>
/// The chaos scenarios of the failover protocol, each on its own embedded cluster with real processes: API server,
/// two operator replicas, one agent per simulated node, kill -9, SIGSTOP. Each ends with a byte-identical restore,
/// at most one checkpoint interval re-sent (unless the drive was lost) and a job history without two writers.
/// </summary>
[TestFixture]
[Category("EndToEnd")]
[NonParallelizable]
public sealed class ChaosScenarioTests : ClusterScenario
{
    [Test]
    [CancelAfter(240_000)]
    public async Task Owner_agent_killed_mid_stream_resumes_from_its_checkpoint_once_restarted()
    {
        var (workload, source) = await WorkloadAsync("agentkill", seed: 1);
        await using var history = await BackupAsync(workload, "agentkill");
        var before = await StreamingPastAsync(history, 0.25, source.Bytes);
        var owner = before.Node!;
        var startsBefore = Cluster.Nodes[owner].AgentStarts;

        await Cluster.KillAgentAsync(owner, Token);

        var after = await HandedOverAsync(history, before.Epoch);
        Cluster.Nodes[owner].AgentStarts.Should().BeGreaterThan(startsBefore, "the supervisor restarts a crashed agent like a DaemonSet");
        after.Node.Should().Be(owner, "the volume did not move, so the restarted agent of the same node continues");
        after.Status.ResumeFrom.Should().NotBeNull("the new epoch resumes from the last acknowledged checkpoint");
        after.Status.ResumeFrom!.BytesDone.Should().BeGreaterThan(0);
        await AssertCleanRunAsync(history, workload, source);
    }

    [Test]
    [CancelAfter(240_000)]
    public async Task Node_death_moves_the_workload_and_the_job_resumes_on_the_new_owner()
    {
        var (workload, source) = await WorkloadAsync("nodedeath", seed: 2);
        var podBefore = await WorkloadPodAsync(workload);
        await using var history = await BackupAsync(workload, "nodedeath");
        var before = await StreamingPastAsync(history, 0.25, source.Bytes);
        before.Node.Should().Be(podBefore.Spec.NodeName, "the job runs where the volume is mounted");

        await Cluster.KillNodeAsync(before.Node!, Token);

        var podAfter = await WorkloadPodAsync(workload, p => p.Spec.NodeName != before.Node);
        podAfter.Metadata.Uid.Should().NotBe(podBefore.Metadata.Uid);
        var after = await HandedOverAsync(history, before.Epoch, v => v.Node != before.Node);
        after.Node.Should().Be(podAfter.Spec.NodeName, "the job follows the volume to its new owner");
        after.Status.ResumeFrom.Should().NotBeNull();
        after.Status.ResumeFrom!.BytesDone.Should().BeGreaterThan(0);
        await AssertCleanRunAsync(history, workload, source);
    }

    [Test]
    [CancelAfter(240_000)]
    public async Task Operator_leader_killed_the_standby_continues_without_restarting_the_job()
    {
        var (workload, source) = await WorkloadAsync("leaderkill", seed: 3);
        await using var history = await BackupAsync(workload, "leaderkill");
        var before = await StreamingPastAsync(history, 0.2, source.Bytes);
        var leader = await Cluster.OperatorLeaderAsync(Token);
        leader.Should().NotBeNull();

        await Cluster.KillOperatorLeaderAsync(Token);

        await Wait.UntilAsync(async ct => await Cluster.OperatorLeaderAsync(ct) is { } now && now != leader, TimeSpan.FromSeconds(60), "another operator replica to lead", Time, Token);
        var final = await SucceededAsync(history);
        final.Epoch.Should().Be(before.Epoch, "an operator failover must not move or restart the job");
        history.Versions.Where(v => v.Epoch > 0).Select(v => v.Epoch).Distinct().Should().ContainSingle("the epoch never changed");
        (final.Status.Attempts ?? []).Should().ContainSingle("no attempt was added");
        history.Handovers().Should().BeEmpty();
        await AssertCleanRunAsync(history, workload, source);
    }

    [Test]
    [CancelAfter(240_000)]
    public async Task Stale_agent_paused_until_failover_has_none_of_its_writes_accepted_after_it_continues()
    {
        var (workload, source) = await WorkloadAsync("stale", seed: 4);
        await using var history = await BackupAsync(workload, "stale");
        var before = await StreamingPastAsync(history, 0.2, source.Bytes);
        var stale = before.Node!;

        await Cluster.PauseNodeAsync(stale, Token);
        var after = await HandedOverAsync(history, before.Epoch, v => v.Node != stale);
        var handoverVersion = after.ResourceVersion;

        await Cluster.ResumeNodeAsync(stale, Token);
        await Wait.UntilAsync(() => Cluster.Nodes[stale].State == NodeState.Running, TimeSpan.FromSeconds(5), "the node to run again", Time, Token);

        var final = await SucceededAsync(history);
        var afterHandover = history.Versions.SkipWhile(v => v.ResourceVersion != handoverVersion).ToList();
        afterHandover.Should().NotBeEmpty();
        afterHandover.Where(v => v.Status.Checkpoint is { } c && c.Epoch <= before.Epoch && c.Node == stale && c.Sequence > (before.Status.Checkpoint?.Sequence ?? 0))
            .Should().BeEmpty("no checkpoint of the stale epoch may land after the hand-over");
        afterHandover.Where(v => v.Status.Report is { } r && r.Epoch <= before.Epoch)
            .Should().BeEmpty("no report of the stale epoch may land after the hand-over");
        final.Node.Should().NotBe(stale);
        await AssertCleanRunAsync(history, workload, source);
    }

    [Test]
    [CancelAfter(240_000)]
    public async Task Drive_failure_mid_job_continues_on_another_drive()
    {
        var (workload, source) = await WorkloadAsync("drivefail", seed: 5);
        await using var history = await BackupAsync(workload, "drivefail");
        var before = await StreamingPastAsync(history, 0.25, source.Bytes);
        var held = before.Status.Drives?.Select(d => d.Name).ToList() ?? [];
        held.Should().ContainSingle("one drive without redundancy");
        var lost = held[0];

        await Cluster.DriveFailAsync(lost, Token);

        var after = await HandedOverAsync(history, before.Epoch, v => v.Status.Drives?.Any(d => d.Name != lost && d.State == "Active") == true);
        after.Status.Drives!.Where(d => d.State == "Active").Select(d => d.Name).Should().NotContain(lost);
        var final = await SucceededAsync(history);
        final.Status.Catalog.Should().NotBeNull();
        final.Status.Catalog!.Drives.Should().NotContain(lost, "the finished backup lives on the drive that is left");
        await AssertCleanRunAsync(history, workload, source, driveLost: true);
    }

    [Test]
    [CancelAfter(240_000)]
    public async Task Api_server_restart_mid_job_loses_nothing()
    {
        var (workload, source) = await WorkloadAsync("apirestart", seed: 6);
        await using var history = await BackupAsync(workload, "apirestart");
        var before = await StreamingPastAsync(history, 0.25, source.Bytes);

        await Cluster.RestartApiServerAsync(Token);

        var progressed = await history.WaitForAsync(
            v => v.Status.Progress is { } p && (p.BytesDone > before.Status.Progress!.BytesDone || BackupStory.IsDone(v)),
            EndToEndSettings.BackupTimeout, "progress after the API server restart", Token);
        progressed.Should().NotBeNull();
        var final = await SucceededAsync(history);
        final.Status.BackupId.Should().Be(before.Status.BackupId, "the same backup continues");
        await AssertCleanRunAsync(history, workload, source);
    }

    [Test]
    [CancelAfter(240_000)]
    public async Task Restore_into_a_workload_that_moved_since_its_backup_runs_where_it_is_now()
    {
        var (workload, source) = await WorkloadAsync("moved", seed: 7);
        var podAtBackup = await WorkloadPodAsync(workload);
        await using var history = await BackupAsync(workload, "moved");
        await AssertCleanRunAsync(history, workload, source);

        // Lose the data, then move the workload: the restore must follow it to its new node.
        var data = Cluster.WorkloadDataPath(workload);
        foreach (var entry in new DirectoryInfo(data).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo dir)
            {
                dir.Delete(recursive: true);
            }
            else
            {
                entry.Delete();
            }
        }

        await Cluster.DrainNodeAsync(podAtBackup.Spec.NodeName!, Token);
        var podNow = await WorkloadPodAsync(workload, p => p.Spec.NodeName != podAtBackup.Spec.NodeName);

        var restore = JobTemplates.Restore(Cluster.Repository, Namespace, "moved-back", "moved", workload.ClaimName);
        var outcome = await Story.RunRestoreAsync(restore, source, workload, EndToEndSettings.RestoreTimeout, Token);
        outcome.Node.Should().Be(podNow.Spec.NodeName, "placement WhereTargetRuns follows the workload to its new node");
        outcome.Differences.Should().BeEmpty("the restored volume is byte-identical with what was backed up");
    }
}
