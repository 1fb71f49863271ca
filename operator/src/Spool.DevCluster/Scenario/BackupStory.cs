using Spool.Api;
using Spool.Api.V1Alpha1;
using Spool.DevCluster.Workloads;
using Spool.Kube;

namespace Spool.DevCluster.Scenario;

/// <summary>
/// The steps every scenario shares (the demo, the chaos soak, the end-to-end tests and the failover benchmark):
/// a workload with generated data, a BackupJob watched from before its creation, and a restore into a new workload's
/// volume compared file by file (SHA-256) and on metadata with the source.
/// </summary>
public sealed class BackupStory
{
    private readonly DevCluster cluster;

    public BackupStory(DevCluster cluster)
    {
        this.cluster = cluster;
    }

    public TimeProvider Time => cluster.Options.TimeProvider;

    /// <summary>Creates the workload, fills its volume and returns the manifest of what was written.</summary>
    public async Task<(WorkloadSpec Workload, TreeManifest Source)> PrepareWorkloadAsync(WorkloadSpec workload, long bytes, int seed, CancellationToken cancellationToken)
    {
        await cluster.AddWorkloadAsync(workload, TimeSpan.FromSeconds(60), cancellationToken);
        var data = cluster.WorkloadDataPath(workload);
        await Task.Run(() => DataGenerator.Generate(data, bytes, seed), cancellationToken);
        var manifest = await Task.Run(() => TreeManifest.Of(data), cancellationToken);
        return (workload, manifest);
    }

    /// <summary>Starts recording the job's history, then creates it.</summary>
    public async Task<JobHistory> StartBackupAsync(BackupJob job, CancellationToken cancellationToken)
    {
        var history = new JobHistory(cluster.Client, job.Metadata.Namespace!, job.Metadata.Name!, Time);
        await history.StartAsync(cancellationToken);
        await cluster.Client.CreateAsync(job, cancellationToken);
        return history;
    }

    public static bool IsStreaming(JobVersion v) =>
        v.Phase == BackupPhase.Running && v.Node is not null && v.Status.Progress?.Epoch == v.Epoch && v.Status.Progress.BytesDone > (v.Status.ResumeFrom?.BytesDone ?? 0);

    public static bool IsDone(JobVersion v) => v.Phase is BackupPhase.Succeeded or BackupPhase.PartiallySucceeded;

    /// <summary>Restores the backup into the claim of a fresh workload and compares the result with the source manifest.</summary>
    public async Task<RestoreOutcome> RestoreAndVerifyAsync(string @namespace, string backupJob, TreeManifest source, WorkloadSpec target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!cluster.WorkloadController.Workloads.Any(w => w.Name == target.Name && w.Namespace == target.Namespace))
        {
            await cluster.AddWorkloadAsync(target, TimeSpan.FromSeconds(60), cancellationToken);
        }

        var name = target.Name + "-restore";
        var restore = JobTemplates.Restore(cluster.Repository, @namespace, name, backupJob, target.ClaimName);
        return await RunRestoreAsync(restore, source, target, timeout, cancellationToken);
    }

    public Task<RestoreOutcome> RunRestoreAsync(RestoreJob restore, TreeManifest source, WorkloadSpec target, TimeSpan timeout, CancellationToken cancellationToken) =>
        RunRestoreAsync(restore, source, cluster.WorkloadDataPath(target), timeout, cancellationToken);

    /// <summary>Runs the RestoreJob to success and compares what <paramref name="restoredDirectory"/> then holds with the source manifest.</summary>
    public async Task<RestoreOutcome> RunRestoreAsync(RestoreJob restore, TreeManifest source, string restoredDirectory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Time.GetTimestamp();
        var ns = restore.Metadata.Namespace!;
        var name = restore.Metadata.Name!;
        await cluster.Client.CreateAsync(restore, cancellationToken);
        RestoreJob? last = null;
        await Wait.UntilAsync(async ct =>
        {
            last = await cluster.Client.GetAsync<RestoreJob>(name, ns, ct);
            if (last?.Status?.Phase is RestorePhase.Failed)
            {
                throw new InvalidOperationException($"RestoreJob {ns}/{name} failed: {DescribeRestore(last)}");
            }

            return last?.Status?.Phase is RestorePhase.Succeeded;
        }, timeout, $"RestoreJob {ns}/{name} to succeed", Time, cancellationToken, TimeSpan.FromMilliseconds(250));
        var duration = Time.GetElapsedTime(started);
        var restored = await Task.Run(() => TreeManifest.Of(restoredDirectory), cancellationToken);
        return new RestoreOutcome(name, last?.Status?.Node, duration, restored, source.Compare(restored));
    }

    public static string DescribeRestore(RestoreJob? job)
    {
        if (job?.Status is not { } s)
        {
            return "no status";
        }

        var conditions = string.Join("; ", (s.Conditions ?? []).Select(c => $"{c.Type}={c.Status} {c.Reason}: {c.Message}"));
        return $"phase={s.Phase} node={s.Node} epoch={s.Epoch} report={s.Report?.Outcome} {s.Report?.Reason} {s.Report?.Message} conditions=[{conditions}]";
    }

    /// <summary>Lines of the job's Events, for failure messages.</summary>
    public async Task<IReadOnlyList<string>> EventsAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        var events = await cluster.Client.ListAsync<Api.Core.CoreEvent>(@namespace, cancellationToken: cancellationToken);
        return events.Items
            .Where(e => e.InvolvedObject?.Name == name)
            .Select(e => $"{e.Type} {e.Reason}: {e.Message}")
            .ToList();
    }
}
