using System.Globalization;
using Spool.Api.V1Alpha1;
using Spool.DevCluster.Faults;
using Spool.DevCluster.Nodes;
using Spool.DevCluster.Rendering;
using Spool.DevCluster.Workloads;

namespace Spool.DevCluster.Scenario;

/// <summary>
/// <c>make chaos</c>: random faults, one after another, during one 1 GiB backup. After each fault the soak waits until
/// the job streams again (progress past where it was, in the current epoch), records how long that took, and heals what
/// needs healing (a killed node boots again, a paused one continues, a cordoned one is uncordoned, an offline drive comes
/// back) before the next fault. At the end the backup is restored and compared with the source: bytes lost must be 0.
/// </summary>
public static class ChaosRunner
{
    private const string Namespace = "default";

    private static readonly FaultKind[] Kinds =
    [
        FaultKind.KillAgent, FaultKind.KillAgent,
        FaultKind.KillNode, FaultKind.KillNode,
        FaultKind.PauseNode,
        FaultKind.DrainNode,
        FaultKind.RestartApiServer, FaultKind.RestartApiServer,
        FaultKind.KillOperatorLeader, FaultKind.KillOperatorLeader,
        FaultKind.DriveOffline,
    ];

    public static async Task<int> RunAsync(ChaosOptions options, CancellationToken cancellationToken)
    {
        var time = TimeProvider.System;
        var layout = StorageLayout.For(options.Directory);
        if (Directory.Exists(layout.Root))
        {
            Directory.Delete(layout.Root, recursive: true);
        }

        var random = new Random(options.Seed);
        using var deadline = new CancellationTokenSource(options.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var ct = linked.Token;
        Console.WriteLine($"chaos: booting 3 nodes, 2 drives in {layout.Root}; {options.Faults} faults during a {ByteFormat.Bytes(options.DataBytes)} backup (seed {options.Seed})");
        await using var cluster = await DevCluster.StartAsync(new DevClusterOptions
        {
            Directory = layout.Root,
            Nodes = 3,
            Drives = 2,
            AgentCpuLimit = options.AgentCpuLimit,
        }, ct);
        var story = new BackupStory(cluster);
        var workload = new WorkloadSpec("soak", Namespace, "4Gi");
        var (_, source) = await story.PrepareWorkloadAsync(workload, options.DataBytes, options.Seed, ct);
        Console.WriteLine($"chaos: workload data {source.Files} files, {ByteFormat.Bytes(source.Bytes)}");
        var job = JobTemplates.Backup(cluster.Repository, Namespace, "soak", workload.ClaimName, options.CheckpointBytes, options.CheckpointSeconds);
        await using var history = await story.StartBackupAsync(job, ct);
        var started = time.GetTimestamp();
        await history.WaitForAsync(v => BackupStory.IsStreaming(v) && v.Status.Checkpoint?.Epoch == v.Epoch, TimeSpan.FromMinutes(2), "the backup to stream", ct);

        var results = new List<ChaosFault>();
        try
        {
            for (var i = 1; i <= options.Faults; i++)
            {
                var before = history.Latest!;
                if (BackupStory.IsDone(before))
                {
                    Console.Error.WriteLine($"chaos: FAILED: the backup finished after {i - 1} faults; lower --cpu-limit or raise --size-mb");
                    return 1;
                }

                var leader = await cluster.OperatorLeaderAsync(ct);
                var leaderIsLive = leader is not null && cluster.OperatorReplicas.Any(r => !r.Retired && leader.StartsWith(r.Identity, StringComparison.Ordinal));
                var (kind, target) = Pick(random, cluster, before, leaderIsLive);
                var fault = await cluster.FaultAsync(kind, target, ct);
                var injected = time.GetTimestamp();
                var bytesBefore = before.Status.Progress?.Epoch == before.Epoch ? before.Status.Progress.BytesDone : 0;

                // The old epoch may stream on for a moment after its drive went away; only the next epoch counts.
                var mustMove = FaultNames.TargetsDrive(kind);
                var resumed = await history.WaitForAsync(
                    v => BackupStory.IsDone(v) || (v.Phase == BackupPhase.Running && v.Status.Progress is { } p && p.Epoch == v.Epoch
                        && (v.Epoch > before.Epoch ? p.BytesDone > (v.Status.ResumeFrom?.BytesDone ?? 0) : !mustMove && p.BytesDone > bytesBefore)),
                    options.ResumeTimeout, $"streaming after fault {i} ({fault.Name} {target})", ct);
                var took = time.GetElapsedTime(injected);
                var result = new ChaosFault(i, fault, before.Epoch, before.Node, bytesBefore, took, resumed.Epoch, resumed.Node);
                results.Add(result);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"chaos: fault {i,2}/{options.Faults} {fault.Name,-20} {target ?? "",-7} epoch {before.Epoch}@{before.Node} -> {resumed.Epoch}@{resumed.Node}  resumed after {took.TotalSeconds,5:F1} s  at {ByteFormat.Bytes(resumed.Status.Progress?.BytesDone ?? 0)}"));
                await HealAsync(cluster, fault, ct);
            }
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            Console.Error.WriteLine($"chaos: FAILED after {results.Count} faults: {ex.Message}");
            Console.Error.WriteLine($"chaos: logs in {layout.LogDirectory}");
            return 1;
        }

        var final = await history.WaitForAsync(BackupStory.IsDone, TimeSpan.FromMinutes(15), "the backup to finish", ct);
        var backupTook = time.GetElapsedTime(started);
        var restore = await story.RestoreAndVerifyAsync(Namespace, "soak", source, new WorkloadSpec("soak-restored", Namespace, "4Gi"), TimeSpan.FromMinutes(15), ct);
        var lost = restore.Differences.Count == 0 ? 0 : LostBytes(source, restore.Restored);
        var violations = history.SafetyViolations();
        var resentOperator = final.Status.Attempts?.Sum(a => a.BytesResent) ?? 0;
        var resentObserved = history.Handovers().Sum(h => h.ObservedBytesResent);
        var resumeTimes = results.Where(r => r.TimeToResume is not null).Select(r => r.TimeToResume!.Value.TotalSeconds).Order().ToList();

        Console.WriteLine();
        Console.WriteLine("chaos: summary");
        Console.WriteLine($"  backup: {final.Phase} in {ByteFormat.Seconds(backupTook)}, epoch {final.Epoch}, {final.Status.Attempts?.Count} attempts, {history.Handovers().Count} hand-overs");
        foreach (var group in results.GroupBy(r => r.Fault.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var times = group.Select(r => r.TimeToResume!.Value.TotalSeconds).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {group.Key,-22} x{group.Count(),-3} fault -> resumed streaming: mean {times.Average():F1} s, max {times.Max():F1} s"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chaos: faults_survived {results.Count}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chaos: bytes_lost {lost}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chaos: bytes_resent {resentOperator} (operator attempts), {resentObserved} (observed past resume points)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chaos: fault_to_resume_p50_s {Percentile(resumeTimes, 0.5):F1} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chaos: fault_to_resume_p95_s {Percentile(resumeTimes, 0.95):F1} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chaos: fault_to_resume_max_s {resumeTimes.DefaultIfEmpty(0).Max():F1} s"));
        // Without redundancy a lost drive takes the backup's earlier segments with it: the job starts over elsewhere.
        var driveLosses = results.Where(r => FaultNames.TargetsDrive(r.Fault.Kind) && r.EpochAfter > r.EpochBefore).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"chaos: drive_losses {driveLosses.Count}, restarted from the start, {driveLosses.Sum(r => r.BytesBefore)} bytes streamed before them discarded"));
        Console.WriteLine($"chaos: single_writer {(violations.Count == 0 ? "yes" : "NO")}");
        Console.WriteLine($"chaos: restore {(restore.Identical ? "byte-identical" : "DIFFERS")} ({restore.Restored.Files} files, SHA-256 and metadata)");
        foreach (var line in restore.Differences.Take(20).Concat(violations))
        {
            Console.Error.WriteLine("  " + line);
        }

        var ok = results.Count >= options.Faults && lost == 0 && restore.Identical && violations.Count == 0;
        Console.WriteLine(ok ? "chaos: OK" : "chaos: FAILED");
        return ok ? 0 : 1;
    }

    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var rank = p * (sorted.Count - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }

    private static long LostBytes(TreeManifest source, TreeManifest restored)
    {
        var theirs = restored.Entries.ToDictionary(e => e.Path, StringComparer.Ordinal);
        return source.Entries.Where(e => e.Type == 'f' && (!theirs.TryGetValue(e.Path, out var r) || r.Sha256 != e.Sha256)).Sum(e => e.Size);
    }

    /// <summary>A fault that makes sense now: node faults hit the owner while two other nodes run; the leader is killed only once a live replica holds the Lease.</summary>
    private static (FaultKind Kind, string? Target) Pick(Random random, DevCluster cluster, JobVersion current, bool leaderIsLive)
    {
        var owner = current.Node;
        var liveNodes = cluster.Nodes.Values.Count(n => n.State == NodeState.Running);
        while (true)
        {
            var kind = Kinds[random.Next(Kinds.Length)];
            if (FaultNames.TargetsNode(kind))
            {
                if (owner is null || (kind != FaultKind.KillAgent && liveNodes < 3))
                {
                    continue;
                }

                return (kind, owner);
            }

            if (FaultNames.TargetsDrive(kind))
            {
                var held = current.Status.Drives?.FirstOrDefault(d => d.State == "Active")?.Name;
                if (held is null)
                {
                    continue;
                }

                return (kind, held);
            }

            if (kind == FaultKind.KillOperatorLeader && !leaderIsLive)
            {
                continue;
            }

            return (kind, null);
        }
    }

    private static async Task HealAsync(DevCluster cluster, FaultRecord fault, CancellationToken cancellationToken)
    {
        switch (fault.Kind)
        {
            case FaultKind.KillNode:
                await cluster.StartNodeAsync(fault.Target!, cancellationToken);
                break;
            case FaultKind.PauseNode:
                await cluster.ResumeNodeAsync(fault.Target!, cancellationToken);
                break;
            case FaultKind.DrainNode:
                await cluster.UncordonNodeAsync(fault.Target!, cancellationToken);
                break;
            case FaultKind.DriveOffline:
                await cluster.FaultAsync(FaultKind.DriveOnline, fault.Target, cancellationToken);
                break;
            default:
                return;
        }

        // A healed node is Ready again (fresh heartbeat) before the next fault may pick a victim.
        if (FaultNames.TargetsNode(fault.Kind))
        {
            await Wait.UntilAsync(async ct =>
                await cluster.Client.GetAsync<Api.Core.Node>(fault.Target!, cancellationToken: ct) is { } node && NodeConditions.IsSchedulable(node),
                TimeSpan.FromSeconds(30), $"{fault.Target} to be Ready and schedulable", cluster.Options.TimeProvider, cancellationToken);
        }
    }
}
