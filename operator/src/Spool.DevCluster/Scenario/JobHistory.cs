using Spool.Api;
using Spool.Api.V1Alpha1;
using Spool.Kube;

namespace Spool.DevCluster.Scenario;

/// <summary>
/// Records every version of one BackupJob from a watch started before the job exists, resuming the watch across
/// disconnects and API server restarts (and relisting on 410), so that properties of the whole run can be checked
/// afterwards: one node per epoch, epochs only grow, no write of an old epoch lands after a hand-over.
/// </summary>
public sealed class JobHistory : IAsyncDisposable
{
    private readonly IKubernetesClient client;
    private readonly string @namespace;
    private readonly string name;
    private readonly TimeProvider timeProvider;
    private readonly List<JobVersion> versions = [];
    private readonly CancellationTokenSource stop = new();
    private Task? loop;

    public JobHistory(IKubernetesClient client, string @namespace, string name, TimeProvider timeProvider)
    {
        this.client = client;
        this.@namespace = @namespace;
        this.name = name;
        this.timeProvider = timeProvider;
    }

    public IReadOnlyList<JobVersion> Versions
    {
        get
        {
            lock (versions)
            {
                return versions.ToList();
            }
        }
    }

    public JobVersion? Latest
    {
        get
        {
            lock (versions)
            {
                return versions.Count == 0 ? null : versions[^1];
            }
        }
    }

    /// <summary>Starts the watch and returns once it is established (an initial LIST answered).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var list = await client.ListAsync<BackupJob>(@namespace, new ListOptions { FieldSelector = $"metadata.name={name}" }, cancellationToken);
        foreach (var job in list.Items)
        {
            Record(job);
        }

        loop = Task.Run(() => WatchLoopAsync(list.Metadata.ResourceVersion, stop.Token), CancellationToken.None);
    }

    private async Task WatchLoopAsync(string? resourceVersion, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var options = new WatchOptions { FieldSelector = $"metadata.name={name}", ResourceVersion = resourceVersion, AllowWatchBookmarks = true };
                await foreach (var evt in client.WatchAsync<BackupJob>(@namespace, options, cancellationToken))
                {
                    if (evt.Type == WatchEventType.Error)
                    {
                        // 410 Gone or another error: relist, recording the current state, and watch from there.
                        var list = await client.ListAsync<BackupJob>(@namespace, new ListOptions { FieldSelector = $"metadata.name={name}" }, cancellationToken);
                        foreach (var job in list.Items)
                        {
                            Record(job);
                        }

                        resourceVersion = list.Metadata.ResourceVersion;
                        break;
                    }

                    if (evt.Object is { } obj)
                    {
                        resourceVersion = obj.Metadata.ResourceVersion ?? resourceVersion;
                        if (evt.Type is WatchEventType.Added or WatchEventType.Modified)
                        {
                            Record(obj);
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or KubernetesApiException or TimeoutException or OperationCanceledException or System.Text.Json.JsonException)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), timeProvider, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void Record(BackupJob job)
    {
        lock (versions)
        {
            var rv = job.Metadata.ResourceVersion;
            if (versions.Count > 0 && versions[^1].ResourceVersion == rv)
            {
                return;
            }

            versions.Add(new JobVersion(timeProvider.GetUtcNow(), rv, job));
        }
    }

    /// <summary>Polls the recorded history (fed by the watch) until the predicate holds for the latest version.</summary>
    public async Task<JobVersion> WaitForAsync(Func<JobVersion, bool> predicate, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        JobVersion? match = null;
        await Wait.UntilAsync(() =>
        {
            var latest = Latest;
            if (latest is not null && latest.Phase == BackupPhase.Failed && !what.Contains("Failed", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"job {@namespace}/{name} failed while waiting for {what}: {Describe(latest)}");
            }

            match = latest is not null && predicate(latest) ? latest : null;
            return match is not null;
        }, timeout, $"{what} (job {@namespace}/{name}; latest: {(Latest is { } l ? Describe(l) : "none")})", timeProvider, cancellationToken, TimeSpan.FromMilliseconds(50));
        return match!;
    }

    public static string Describe(JobVersion version)
    {
        var conditions = string.Join("; ", (version.Status.Conditions ?? []).Select(c => $"{c.Type}={c.Status} {c.Reason}: {c.Message}"));
        return $"{version} conditions=[{conditions}]";
    }

    /// <summary>Epoch changes, in order, with the time the new epoch first streamed.</summary>
    public IReadOnlyList<Handover> Handovers()
    {
        var all = Versions;
        var result = new List<Handover>();
        for (var i = 1; i < all.Count; i++)
        {
            var before = all[i - 1];
            var after = all[i];
            if (after.Epoch <= before.Epoch || before.Epoch == 0)
            {
                continue;
            }

            var lastOld = all.Take(i).Where(v => v.Status.Progress?.Epoch == before.Epoch).Select(v => v.Status.Progress!.BytesDone)
                .Concat(all.Take(i).Where(v => v.Status.Checkpoint?.Epoch == before.Epoch).Select(v => v.Status.Checkpoint!.BytesDone))
                .DefaultIfEmpty(0).Max();
            var resume = after.Status.ResumeFrom?.BytesDone ?? 0;
            var streaming = all.Skip(i).FirstOrDefault(v =>
                v.Epoch == after.Epoch
                && ((v.Status.Progress?.Epoch == after.Epoch && v.Status.Progress.BytesDone > resume)
                    || v.Status.Checkpoint?.Epoch == after.Epoch
                    || v.Status.Report?.Epoch == after.Epoch));
            var checkpointExisted = all.Take(i).Any(v => v.Status.Checkpoint is not null);
            result.Add(new Handover(before.Epoch, before.Node, after.Epoch, after.Node, after.Seen, streaming?.Seen, lastOld, resume, after.Status.ResumeFrom is null, checkpointExisted));
        }

        return result;
    }

    /// <summary>
    /// Everything in the history that contradicts "Running on at most one node": an epoch going back, the node changing
    /// without an epoch increase, or a checkpoint, progress or report of an older epoch landing after the hand-over.
    /// </summary>
    public IReadOnlyList<string> SafetyViolations()
    {
        var all = Versions;
        var violations = new List<string>();
        for (var i = 1; i < all.Count; i++)
        {
            var before = all[i - 1];
            var after = all[i];
            if (after.Epoch < before.Epoch)
            {
                violations.Add($"epoch went back from {before.Epoch} to {after.Epoch}: {after}");
            }

            if (after.Epoch == before.Epoch && after.Epoch > 0 && before.Node is not null && after.Node is not null && after.Node != before.Node
                && before.Phase == BackupPhase.Running && after.Phase == BackupPhase.Running)
            {
                violations.Add($"node changed from {before.Node} to {after.Node} within epoch {after.Epoch}: {after}");
            }

            var checkpoint = after.Status.Checkpoint;
            if (checkpoint is not null && checkpoint != before.Status.Checkpoint && checkpoint.Epoch < after.Epoch
                && (before.Status.Checkpoint is null || checkpoint.Sequence > before.Status.Checkpoint.Sequence || checkpoint.Epoch != before.Status.Checkpoint.Epoch))
            {
                violations.Add($"checkpoint of epoch {checkpoint.Epoch} (seq {checkpoint.Sequence}) accepted while the job is at epoch {after.Epoch}: {after}");
            }

            var progress = after.Status.Progress;
            if (progress is not null && before.Status.Progress is { } old && progress != old && progress.Epoch < after.Epoch && progress.BytesDone != old.BytesDone)
            {
                violations.Add($"progress of epoch {progress.Epoch} accepted while the job is at epoch {after.Epoch}: {after}");
            }

            var report = after.Status.Report;
            if (report is not null && report != before.Status.Report && report.Epoch < after.Epoch)
            {
                violations.Add($"report of epoch {report.Epoch} accepted while the job is at epoch {after.Epoch}: {after}");
            }
        }

        return violations;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (loop is not null)
        {
            try
            {
                await loop.WaitAsync(TimeSpan.FromSeconds(5), timeProvider);
            }
            catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
            {
            }
        }

        stop.Dispose();
    }
}
