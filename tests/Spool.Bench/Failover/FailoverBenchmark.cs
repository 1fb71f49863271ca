using System.Globalization;
using Spool.Api.V1Alpha1;
using Spool.DevCluster;
using Spool.DevCluster.Nodes;
using Spool.DevCluster.Scenario;
using Spool.DevCluster.Workloads;

namespace Spool.Bench.Failover;

/// <summary>
/// From kill -9 of the owner node (agent killed, heartbeats stopped) to streaming resumed on the new owner: the first
/// progress, checkpoint or report of the new epoch written by the agent of another node. At the default settings of the
/// protocol: node heartbeat 2 s and grace 6 s, agent Lease renewed every 2 s for 6 s, operator leader Lease 15 s.
/// The checkpoint interval is 1 s so that the first write of the new epoch is not delayed by the checkpoint cadence.
/// </summary>
public static class FailoverBenchmark
{
    private const string Namespace = "default";

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var runs = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out var r) ? r : 10;
        var time = TimeProvider.System;
        var directory = Path.Combine(Path.GetTempPath(), "spool-bench-failover-" + Guid.NewGuid().ToString("N")[..8]);
        Console.WriteLine($"failover: {runs} runs of kill -9 of the owner node on a 3-node embedded cluster ({directory})");
        var results = new List<double>();
        await using (var cluster = await DevCluster.DevCluster.StartAsync(new DevClusterOptions { Directory = directory, Nodes = 3, Drives = 2, AgentCpuLimit = 0.5 }, cancellationToken))
        {
            var story = new BackupStory(cluster);
            var workload = new WorkloadSpec("bench", Namespace, "2Gi");
            var (_, source) = await story.PrepareWorkloadAsync(workload, 256L << 20, seed: 11, cancellationToken);
            for (var run = 1; run <= runs; run++)
            {
                var name = $"failover-{run}";
                var job = JobTemplates.Backup(cluster.Repository, Namespace, name, workload.ClaimName, 4L << 20, 1, CompressionMode.None);
                await using var history = await story.StartBackupAsync(job, cancellationToken);
                var before = await history.WaitForAsync(
                    v => BackupStory.IsStreaming(v) && v.Status.Checkpoint?.Epoch == v.Epoch && v.Status.Progress!.BytesDone >= source.Bytes / 10,
                    TimeSpan.FromMinutes(3), "streaming with a checkpoint", cancellationToken);
                var owner = before.Node!;
                var killed = time.GetUtcNow();
                await cluster.KillNodeAsync(owner, cancellationToken);
                var resumed = await history.WaitForAsync(
                    v => v.Epoch > before.Epoch && v.Node is not null && v.Node != owner
                        && ((v.Status.Progress is { } p && p.Epoch == v.Epoch && p.BytesDone > (v.Status.ResumeFrom?.BytesDone ?? 0))
                            || v.Status.Checkpoint?.Epoch == v.Epoch || v.Status.Report?.Epoch == v.Epoch),
                    TimeSpan.FromMinutes(2), "streaming on the new owner", cancellationToken);
                var seconds = (resumed.Seen - killed).TotalSeconds;
                results.Add(seconds);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"failover: run {run,2}: {owner} killed at {ByteFormat(before.Status.Progress!.BytesDone)}, epoch {before.Epoch} -> {resumed.Epoch} on {resumed.Node}, streaming after {seconds:F2} s"));

                await cluster.StartNodeAsync(owner, cancellationToken);
                await Wait.UntilAsync(async ct => await cluster.Client.GetAsync<Api.Core.Node>(owner, cancellationToken: ct) is { } n && NodeConditions.IsSchedulable(n),
                    TimeSpan.FromSeconds(60), $"{owner} to be Ready", time, cancellationToken);
                await cluster.Client.DeleteAsync<BackupJob>(name, Namespace, cancellationToken: cancellationToken);
                await Wait.UntilAsync(async ct => await cluster.Client.GetAsync<BackupJob>(name, Namespace, ct) is null,
                    TimeSpan.FromSeconds(60), $"job {name} to be deleted and its drives released", time, cancellationToken);
            }
        }

        Directory.Delete(directory, recursive: true);
        results.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bench: failover_resume_p50_s {Percentile(results, 0.50):F2} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bench: failover_resume_p95_s {Percentile(results, 0.95):F2} s"));
        return 0;
    }

    private static double Percentile(List<double> sorted, double p) => ChaosRunner.Percentile(sorted, p);

    private static string ByteFormat(long bytes) => DevCluster.Rendering.ByteFormat.Bytes(bytes);
}
