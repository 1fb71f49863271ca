using System.Globalization;
using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.DevCluster;
using Spool.DevCluster.Faults;
using Spool.DevCluster.Scenario;
using Spool.DevCluster.Workloads;
using Spool.Kube;

namespace Spool.EndToEnd.Tests;

/// <summary>
/// A federated BackupJob (examples/backupjob-federated.yaml) over ten workloads on three nodes, on the embedded cluster
/// with real processes, each node with its own Directory drive. Two workloads move while the run goes on: one onto a
/// node whose pass is still going (its task follows it there), one onto a node whose pass has already ended (the
/// end-of-run check finds it missed and backs it up there). Every volume's backup is then restored by a RestoreJob onto
/// the node where its workload runs now and compared with the source byte for byte; finally every workload's data is
/// wiped and a federated restore of the run puts all ten back, each on the node where it runs now, byte-identical.
/// </summary>
[TestFixture]
[Category("EndToEnd")]
[NonParallelizable]
public sealed class FederatedScenarioTests : ClusterScenario
{
    private const string Run = "nightly";
    private const long VolumeBytes = 2L << 20;
    private const string SelectedLabels = """{"metadata":{"labels":{"backup":"nightly"}}}""";
    private const string ExcludedLabels = """{"metadata":{"labels":{"backup":"nightly","tier":"scratch"}}}""";

    /// <summary>Uneven on purpose: node-3's pass (one volume) ends while node-1 and node-2 still have volumes to start.</summary>
    private static readonly string[] Layout = ["node-1", "node-1", "node-1", "node-1", "node-1", "node-2", "node-2", "node-2", "node-2", "node-3"];

    /// <summary>One drive per node: td-0 on node-1, td-1 on node-2, td-2 on node-3.</summary>
    protected override int DriveCount => 3;

    protected override Func<int, IReadOnlyList<string>?>? DriveNodes => i => [$"node-{i + 1}"];

    [Test]
    [CancelAfter(300_000)]
    public async Task Workloads_moving_mid_run_are_followed_or_recovered_by_the_end_of_run_check_and_every_volume_restores_identical_alone_and_in_a_federated_restore()
    {
        var started = Time.GetTimestamp();
        var prepared = await Task.WhenAll(Layout.Select((node, i) => WorkloadAsync($"app-{i:D2}", seed: 100 + i, node, VolumeBytes)));
        var workloads = prepared.ToDictionary(p => Key(p.Workload.ClaimName), StringComparer.Ordinal);
        foreach (var (workload, _) in prepared)
        {
            await Cluster.Client.PatchAsync<PersistentVolumeClaim>(workload.ClaimName, Namespace, KubePatch.Merge(SelectedLabels), cancellationToken: Token);
        }

        // Labelled for the run, but excluded by the example's matchExpressions (tier NotIn scratch).
        var (scratch, _) = await WorkloadAsync("scratch", seed: 99, "node-2", 64 << 10);
        await Cluster.Client.PatchAsync<PersistentVolumeClaim>(scratch.ClaimName, Namespace, KubePatch.Merge(ExcludedLabels), cancellationToken: Token);
        var preparedIn = Time.GetElapsedTime(started);

        // node-1's and node-2's drives are taken offline for the start of the run: their passes cannot get past their
        // first volume while node-3's pass runs to its end, and the moves below happen at a moment the run cannot outpace.
        await Cluster.DriveOfflineAsync("td-0", Token);
        await Cluster.DriveOfflineAsync("td-1", Token);
        var job = JobTemplates.FederatedBackup(Cluster.Repository, Namespace, Run, EndToEndSettings.CheckpointBytes, EndToEndSettings.CheckpointSeconds);
        await using var history = await Story.StartBackupAsync(job, Token);
        var planned = await history.WaitForAsync(v => v.Status.Volumes is { Count: > 0 }, EndToEndSettings.BackupTimeout, "the run's plan", Token);
        planned.Status.Volumes!.Select(TaskKey).Should().BeEquivalentTo(workloads.Keys, "the plan lists every claim the selector matches, and only those");
        foreach (var task in planned.Status.Volumes!)
        {
            task.Node.Should().Be(workloads[TaskKey(task)].Workload.PreferredNode, $"{TaskKey(task)} is planned on the node where it is mounted");
        }

        // Wait, on the run's own status, for a node whose pass is over while both other nodes still have at least two
        // volumes not yet released; then move one of those onto the finished node and one onto the other busy node.
        var moment = await history.WaitForAsync(
            v => MovesFrom(v.Status.Volumes) is not null,
            EndToEndSettings.BackupTimeout,
            "a node whose pass has ended while the two others have at least two volumes each not yet started",
            Token);
        var moves = MovesFrom(moment.Status.Volumes)!.Value;
        TestContext.Out.WriteLine($"at {Describe(moment.Status.Volumes!)}: moving {moves.Missed} to {moves.FinishedNode} (pass ended) and {moves.Followed} to {moves.BusyNode} (pass going on)");
        var missedWorkload = workloads[moves.Missed].Workload;
        var followedWorkload = workloads[moves.Followed].Workload;
        var movedPods = await Task.WhenAll(
            Cluster.MoveWorkloadAsync(missedWorkload, moves.FinishedNode, TimeSpan.FromSeconds(60), Token),
            Cluster.MoveWorkloadAsync(followedWorkload, moves.BusyNode, TimeSpan.FromSeconds(60), Token));
        movedPods.Select(p => p.Spec.NodeName).Should().Equal(moves.FinishedNode, moves.BusyNode);

        var seen = await history.WaitForAsync(
            v => v.Status.Volumes!.Single(t => TaskKey(t) == moves.Missed).Message?.StartsWith($"moved from {moves.BusyNode} to {moves.FinishedNode} after the pass over {moves.FinishedNode} ended", StringComparison.Ordinal) == true
                && v.Status.Volumes!.Single(t => TaskKey(t) == moves.Followed) is { Job: null, Node: var node } && node == moves.BusyNode,
            EndToEndSettings.BackupTimeout,
            "the run to see both moves: one left for the end-of-run check, one following its workload",
            Token);
        TestContext.Out.WriteLine($"moves seen: {Describe(seen.Status.Volumes!)}");
        await Cluster.FaultAsync(FaultKind.DriveOnline, "td-0", Token);
        await Cluster.FaultAsync(FaultKind.DriveOnline, "td-1", Token);

        var final = await history.WaitForAsync(v => BackupStory.IsDone(v), EndToEndSettings.BackupTimeout, "the federated run to finish", Token);
        var backedUpIn = Time.GetElapsedTime(started) - preparedIn;
        TestContext.Out.WriteLine($"run {final.Phase}: {Describe(final.Status.Volumes!)}");
        final.Phase.Should().Be(BackupPhase.Succeeded, JobHistory.Describe(final));

        var verification = final.Status.Verification;
        verification.Should().NotBeNull("the run ends with the end-of-run check");
        verification!.Expected.Should().BeEquivalentTo(workloads.Keys, "the expected set is recomputed from the selector: ten claims, not the scratch one");
        verification.Captured.Should().BeEquivalentTo(workloads.Keys.Where(k => k != moves.Missed), "every volume but the one that moved onto a finished node was captured by the pass");
        verification.Missed.Should().Equal([moves.Missed], "the move onto a node whose pass had ended is what the check is for");
        verification.Recovered.Should().Equal([moves.Missed], "the check backs the missed volume up on its current node");

        var tasks = final.Status.Volumes!.ToDictionary(TaskKey, StringComparer.Ordinal);
        tasks.Keys.Should().BeEquivalentTo(workloads.Keys);
        foreach (var (key, task) in tasks)
        {
            task.Phase.Should().Be(BackupPhase.Succeeded, key);
            task.BackupId.Should().NotBeNullOrEmpty(key);
            task.Job.Should().NotBeNull(key);
        }

        tasks[moves.Missed].Recovered.Should().BeTrue();
        tasks[moves.Missed].Node.Should().Be(moves.FinishedNode, "the missed volume is backed up where its workload runs now");
        tasks[moves.Missed].Job.Should().MatchRegex($"^{Run}-[0-9]{{3}}v-{missedWorkload.ClaimName}$", "a recovery child of the check backed it up");
        tasks[moves.Followed].Recovered.Should().BeFalse();
        tasks[moves.Followed].Node.Should().Be(moves.BusyNode, "a task whose workload moved before its turn follows it into a node whose pass goes on");
        tasks[moves.Followed].Job.Should().MatchRegex($"^{Run}-[0-9]{{3}}-{followedWorkload.ClaimName}$", "the followed volume was captured by the pass");

        var children = (await Cluster.Client.ListAsync<BackupJob>(Namespace, new ListOptions { LabelSelector = $"spool.dev/parent={Run}" }, Token)).Items
            .ToDictionary(c => c.Metadata.Name!, StringComparer.Ordinal);
        children.Keys.Should().BeEquivalentTo(tasks.Values.Select(t => t.Job), "one child per volume, and no child for the missed volume's unreleased task");
        foreach (var task in tasks.Values)
        {
            var child = children[task.Job!];
            child.Status!.Phase.Should().Be(BackupPhase.Succeeded, task.Job);
            child.Status.Node.Should().Be(task.Node, $"{task.Job} ran where the parent says");
            child.Spec.Source.PersistentVolumeClaim.Should().Be(task.PersistentVolumeClaim);
        }

        // One catalog ties the run together: every volume's backup is listed with the run, on the drive of the node it ran on.
        var catalog = new Dictionary<string, (string Drive, CatalogEntry Entry)>(StringComparer.Ordinal);
        await Wait.UntilAsync(
            async ct =>
            {
                catalog = await CatalogAsync(ct);
                return tasks.Values.All(t => catalog.ContainsKey(t.BackupId!));
            },
            TimeSpan.FromSeconds(60),
            "the catalog to list every backup of the run",
            Time,
            Token);
        foreach (var task in tasks.Values)
        {
            var (drive, entry) = catalog[task.BackupId!];
            entry.Run.Should().Be($"{Namespace}/{Run}", task.Job);
            entry.Job.Should().Be(task.Job);
            entry.PersistentVolumeClaim.Should().Be(task.PersistentVolumeClaim);
            entry.Bytes.Should().Be(workloads[TaskKey(task)].Source.Bytes, task.Job);
            drive.Should().Be($"td-{task.Node![^1] - '1'}", $"{task.Job} ran on {task.Node}, which reaches only that drive");
        }

        // Every volume's backup, restored onto the node where its workload runs now, next to the live volume: all ten at
        // once, so that each node's restores queue for its one drive and take it in turn as it is freed.
        var restoring = Time.GetTimestamp();
        var outcomes = (await Task.WhenAll(tasks.Values.Select(async task =>
        {
            var (workload, source) = workloads[TaskKey(task)];
            var pod = await WorkloadPodAsync(workload);
            var path = Path.Combine(Cluster.Layout.Root, "restored", task.PersistentVolumeClaim);
            var restore = JobTemplates.Restore(Cluster.Repository, Namespace, task.PersistentVolumeClaim + "-restore", task.Job!, task.PersistentVolumeClaim);
            restore = restore with
            {
                Spec = restore.Spec with { Target = new RestoreTarget { NodePath = new NodePathTarget { Node = pod.Spec.NodeName!, Path = path } } },
            };
            return (Task: task, Pod: pod, Source: source, Outcome: await Story.RunRestoreAsync(restore, source, path, EndToEndSettings.RestoreTimeout, Token));
        }))).ToList();
        outcomes.Should().HaveCount(workloads.Count);
        foreach (var (task, pod, source, outcome) in outcomes)
        {
            outcome.Node.Should().Be(pod.Spec.NodeName, $"the restore of {task.PersistentVolumeClaim} runs on the node named in its target");
            outcome.Differences.Should().BeEmpty($"the backup of {task.PersistentVolumeClaim} ({task.Job}) must restore byte-identical (SHA-256 per file) with the same metadata");
            outcome.Restored.Files.Should().Be(source.Files);
            outcome.Restored.Bytes.Should().Be(source.Bytes);
        }

        var restoredIn = Time.GetElapsedTime(restoring);

        // Every workload loses its data; a RestoreJob naming the run puts each one back into its own claim, one at a time,
        // on the node where it runs now: the two that moved are restored where they went, from the backup that captured them.
        var federatedFrom = Time.GetTimestamp();
        var runningOn = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, (workload, _)) in workloads)
        {
            runningOn[key] = (await WorkloadPodAsync(workload)).Spec.NodeName!;
            Wipe(Cluster.WorkloadDataPath(workload));
            TreeManifest.Of(Cluster.WorkloadDataPath(workload)).Entries.Should().BeEmpty();
        }

        runningOn[moves.Missed].Should().Be(moves.FinishedNode);
        runningOn[moves.Followed].Should().Be(moves.BusyNode);
        const string restoreName = Run + "-restore";
        await Cluster.Client.CreateAsync(new RestoreJob
        {
            Metadata = new ObjectMeta { Name = restoreName, Namespace = Namespace },
            Spec = new RestoreJobSpec { Source = new RestoreSource { BackupJob = Run }, ConflictPolicy = ConflictPolicy.Overwrite },
        }, Token);
        var mostAtOnce = 0;
        RestoreJob? parent = null;
        await Wait.UntilAsync(
            async ct =>
            {
                var children = (await Cluster.Client.ListAsync<RestoreJob>(Namespace, new ListOptions { LabelSelector = $"{SpoolGroup.ParentLabel}={restoreName}" }, ct)).Items;
                mostAtOnce = Math.Max(mostAtOnce, children.Count(c => c.Status?.Phase is not (RestorePhase.Succeeded or RestorePhase.Failed or RestorePhase.PartiallySucceeded)));
                parent = await Cluster.Client.GetAsync<RestoreJob>(restoreName, Namespace, ct);
                if (parent?.Status?.Phase is RestorePhase.Failed or RestorePhase.PartiallySucceeded)
                {
                    throw new InvalidOperationException($"the federated restore ended {parent.Status.Phase}: {KubeJson.Serialize(parent.Status.Workloads)}");
                }

                return parent?.Status?.Phase == RestorePhase.Succeeded;
            },
            EndToEndSettings.RestoreTimeout * 2,
            "the federated restore of the run to succeed",
            Time,
            Token,
            TimeSpan.FromMilliseconds(100));
        var federatedIn = Time.GetElapsedTime(federatedFrom);

        mostAtOnce.Should().Be(1, "workloads are restored one at a time");
        var restored = parent!.Status!.Workloads!.ToDictionary(w => w.Namespace + "/" + w.PersistentVolumeClaim, StringComparer.Ordinal);
        restored.Keys.Should().BeEquivalentTo(workloads.Keys, "a federated restore without source.volumes restores every volume of the run");
        foreach (var (key, w) in restored)
        {
            w.Phase.Should().Be(RestorePhase.Succeeded, key);
            w.Node.Should().Be(runningOn[key], $"{key} is restored on the node where its workload runs now");
            w.WorkloadState.Should().Be("Running", key);
            w.BackupJob.Should().Be(tasks[key].Job, $"{key} is restored from the child that captured it");
            var (workload, source) = workloads[key];
            source.Compare(TreeManifest.Of(Cluster.WorkloadDataPath(workload))).Should().BeEmpty($"{key} is restored into its own volume byte-identical");
        }

        TestContext.Out.WriteLine("federated restore: " + string.Join("; ", restored.Values.Select(w => $"{w.PersistentVolumeClaim} on {w.Node} from {w.BackupJob} by {w.Job}")));
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"workloads ready in {preparedIn.TotalSeconds:F1} s; run {final.Phase} in {backedUpIn.TotalSeconds:F1} s; {outcomes.Count} restores identical in {restoredIn.TotalSeconds:F1} s; federated restore of {restored.Count} in {federatedIn.TotalSeconds:F1} s"));
    }

    private static void Wipe(string directory)
    {
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo d && d.LinkTarget is null)
            {
                d.Delete(recursive: true);
            }
            else
            {
                entry.Delete();
            }
        }
    }

    /// <summary>Every entry of every drive's catalog ConfigMap, by backup id.</summary>
    private async Task<Dictionary<string, (string Drive, CatalogEntry Entry)>> CatalogAsync(CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, (string Drive, CatalogEntry Entry)>(StringComparer.Ordinal);
        foreach (var drive in Cluster.DriveNames)
        {
            var map = await Cluster.Client.GetAsync<ConfigMap>($"spool-catalog-{drive}", Cluster.Options.SystemNamespace, cancellationToken);
            foreach (var value in map?.Data?.Values ?? [])
            {
                if (value.StartsWith("[{", StringComparison.Ordinal))
                {
                    foreach (var entry in KubeJson.Deserialize<List<CatalogEntry>>(value) ?? [])
                    {
                        found[entry.BackupId] = (drive, entry);
                    }
                }
            }
        }

        return found;
    }

    /// <summary>
    /// The moment to move: a node whose tasks are all captured, and two others with at least two unreleased tasks each.
    /// The last unreleased task of the busiest node moves onto the finished node; the last unreleased task of the other
    /// busy node moves onto the busiest one, whose pass keeps going. Neither task can be released before its move is
    /// seen: each node releases its volumes one at a time, in order, another of its volumes comes before each of them,
    /// and the busy nodes' current volumes wait for their offline drives.
    /// </summary>
    private static (string FinishedNode, string BusyNode, string Missed, string Followed)? MovesFrom(IReadOnlyList<VolumeTask>? tasks)
    {
        if (tasks is null || tasks.Count == 0 || tasks.Any(t => t.Node is null))
        {
            return null;
        }

        var byNode = tasks.GroupBy(t => t.Node!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var finished = byNode.Where(n => n.Value.All(t => t.Phase == BackupPhase.Succeeded)).Select(n => n.Key).Order(StringComparer.Ordinal).FirstOrDefault();
        if (finished is null)
        {
            return null;
        }

        var busy = byNode
            .Where(n => n.Key != finished)
            .Select(n => (Node: n.Key, Unreleased: n.Value.Where(t => t.Job is null && t.Phase is null).OrderBy(t => t.Order).ToList()))
            .OrderByDescending(n => n.Unreleased.Count)
            .ThenBy(n => n.Node, StringComparer.Ordinal)
            .ToList();
        if (busy.Count != 2 || busy.Any(n => n.Unreleased.Count < 2))
        {
            return null;
        }

        return (finished, busy[0].Node, TaskKey(busy[0].Unreleased[^1]), TaskKey(busy[1].Unreleased[^1]));
    }

    private static string Describe(IReadOnlyList<VolumeTask> tasks) =>
        string.Join(", ", tasks.OrderBy(t => t.Order).Select(t => $"{t.Order}:{t.PersistentVolumeClaim}@{t.Node ?? "-"}={t.Phase?.ToString() ?? "unreleased"}{(t.Recovered ? "(recovered)" : "")}"));

    private static string Key(string claim) => Namespace + "/" + claim;

    private static string TaskKey(VolumeTask task) => task.Namespace + "/" + task.PersistentVolumeClaim;
}
