using Spool.Agent.Host.Fencing;
using Spool.Agent.Host.Jobs;
using Spool.Agent.Host.Logging;
using Spool.Agent.Host.Progress;
using Spool.Agent.Host.Volumes;
using Spool.Api.V1Alpha1;
using Spool.DataPath.Drives;

using TapeDrive = Spool.Api.V1Alpha1.TapeDrive;

namespace Spool.Agent.Host.Streaming;

/// <summary>One epoch of one RestoreJob on this node: into the target volume (or node path), with checkpoints and a report.</summary>
public sealed class RestoreRunner(AgentContext context)
{
    public async Task RunAsync(RestoreJob job, FenceSignal fence, CancellationToken stopping, Func<string> stopReason, CancellationToken hardStop)
    {
        var status = job.Status ?? new RestoreJobStatus();
        var epoch = status.Epoch;
        var jobName = job.Metadata.Name ?? "";
        var ns = job.Metadata.Namespace ?? "";
        var log = context.Log.With("job", $"{ns}/{jobName}", "kind", RestoreJob.KindValue, "epoch", epoch);
        var writer = new JobStatusWriter<RestoreJob>(context.Client, RestoreJobAdapter.Instance, job, context.Options.NodeName, fence, context.Time, context.Options.WriteRetryDelay, log);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(fence.Token, stopping, hardStop);
        var token = cancel.Token;
        context.Metrics.StreamStarted();
        log.Info("Starting restore", "node", context.Options.NodeName, "resume", status.ResumeFrom is not null);
        try
        {
            var backup = status.Backup ?? throw new AgentFailureException(ReportReasons.BackupNotFound, "the job status names no backup to restore");
            var target = await ResolveTargetAsync(job, token).ConfigureAwait(false);
            var drives = await ResolveDrivesAsync(status, backup, token).ConfigureAwait(false);
            var key = await LoadKeyAsync(job, token).ConfigureAwait(false);
            var sink = new RestoreProgressSink(writer, fence, context, log, Math.Max(status.ResumeFrom?.Sequence ?? 0, status.Checkpoint?.Sequence ?? 0), hardStop);
            var plan = new RestorePlan(
                BackupIds.ToGuid(backup.BackupId),
                drives,
                target,
                job.Spec.Paths,
                job.Spec.ConflictPolicy,
                job.Spec.AllowPartial,
                key,
                status.ResumeFrom is not null,
                TimeSpan.FromSeconds(10),
                job.Spec.CheckpointIntervalBytes);
            log.Info("Restoring", "backupId", backup.BackupId, "target", target, "paths", job.Spec.Paths, "conflictPolicy", job.Spec.ConflictPolicy.ToString());
            var result = await context.Engine.RestoreAsync(plan, sink, token).ConfigureAwait(false);
            var now = context.Time.GetUtcNow();
            var partial = result.FailedFiles.Count > 0;
            if (partial && !job.Spec.AllowPartial)
            {
                throw new RestoreFailedException($"{result.FailedFiles.Count} files failed verification: {string.Join(", ", result.FailedFiles.Take(10))}", result.FailedFiles);
            }

            var report = new AgentReport
            {
                Epoch = epoch,
                Node = context.Options.NodeName,
                Outcome = ReportOutcomes.Completed,
                Reason = partial ? "PartiallyRestored" : ReportReasons.Completed,
                Message = (partial
                    ? $"{result.Files} files restored, {result.FailedFiles.Count} failed verification and were not restored"
                    : $"{result.Files} files, {ByteSize.Format(result.Bytes)} restored and verified")
                    + (result.DegradedMembers.Count > 0 ? $"; DEGRADED, rebuilt without {string.Join("; ", result.DegradedMembers)}" : ""),
                Catalog = backup,
                Time = now,
            };
            var progress = ProgressTracker.Build(epoch, now, result.Bytes, result.Files, result.Bytes, result.Files, null);
            using var final = CancellationTokenSource.CreateLinkedTokenSource(fence.Token, hardStop);
            var outcome = await writer.WriteAsync(new AgentWrite { Report = report, Progress = progress, FailedFiles = partial ? result.FailedFiles.Take(200).ToList() : null }, final.Token).ConfigureAwait(false);
            log.Info(outcome == WriteOutcome.Written ? "Reported restore completed" : "Restore report not written, fenced", "files", result.Files, "bytes", result.Bytes, "failedFiles", result.FailedFiles.Count);
        }
        catch (OperationCanceledException) when (fence.IsTripped)
        {
            log.Warning("Restore fenced, stopped without further writes", "reason", fence.Decision?.Reason, "detail", fence.Decision?.Message);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested && !hardStop.IsCancellationRequested)
        {
            var report = new AgentReport { Epoch = epoch, Node = context.Options.NodeName, Outcome = ReportOutcomes.HandedBack, Reason = stopReason(), Message = "the agent stopped the restore", Time = context.Time.GetUtcNow() };
            var outcome = await writer.WriteAsync(new AgentWrite { Report = report }, hardStop).ConfigureAwait(false);
            log.Info(outcome == WriteOutcome.Written ? "Handed job back" : "Hand-back not written, fenced", "reason", report.Reason);
        }
        catch (OperationCanceledException) when (hardStop.IsCancellationRequested)
        {
            log.Warning("Restore abandoned at exit");
        }
        catch (Exception error) when (!fence.IsTripped)
        {
            var (reason, message, failedDrives, failedFiles) = error switch
            {
                AgentFailureException f => (f.Reason, f.Message, f.FailedDrives, null),
                RestoreFailedException r => (ReportReasons.RestoreFailed, r.Message, null, r.FailedFiles),
                DriveException => (ReportReasons.DriveFailed, error.Message, null, null),
                _ => (ReportReasons.RestoreFailed, $"{error.GetType().Name}: {error.Message}", (IReadOnlyList<string>?)null, (IReadOnlyList<string>?)null),
            };
            log.Warning("Restore failed", "reason", reason, "detail", message);
            var report = new AgentReport { Epoch = epoch, Node = context.Options.NodeName, Outcome = ReportOutcomes.Failed, Reason = reason, Message = message, FailedDrives = failedDrives, Time = context.Time.GetUtcNow() };
            try
            {
                await writer.WriteAsync(new AgentWrite { Report = report, FailedFiles = failedFiles?.Take(200).ToList() }, hardStop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                log.Warning("Failure report abandoned at exit", "reason", reason);
            }
        }
        catch (Exception error)
        {
            log.Error(error, "Restore stopped after it was fenced");
        }
        finally
        {
            context.Metrics.StreamEnded();
        }
    }

    private async Task<string> ResolveTargetAsync(RestoreJob job, CancellationToken cancellationToken)
    {
        var status = job.Status!;
        if (job.Spec.Target?.NodePath is { } nodePath)
        {
            if (!string.Equals(nodePath.Node, context.Options.NodeName, StringComparison.Ordinal))
            {
                throw new AgentFailureException(ReportReasons.VolumeNotFound, $"target path is on node {nodePath.Node}, not {context.Options.NodeName}");
            }

            var path = context.Options.MapHostPath(nodePath.Path);
            Directory.CreateDirectory(path);
            return path;
        }

        return await new VolumeResolver(context.Client, new VolumeLocator(context.Options.KubeletRoot))
            .ResolveAsync(status.Target, job.Metadata.Namespace ?? "", cancellationToken, context.Options.VolumeWait, context.Time).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<DriveSpec>> ResolveDrivesAsync(RestoreJobStatus status, CatalogLocation backup, CancellationToken cancellationToken)
    {
        var names = (status.Drives?.Where(d => d.State == "Active").Select(d => d.Name) ?? []).Concat(backup.Drives).Distinct(StringComparer.Ordinal).ToList();
        var specs = new List<DriveSpec>();
        foreach (var name in names)
        {
            var drive = await context.Client.GetAsync<TapeDrive>(name, null, cancellationToken).ConfigureAwait(false);
            if (drive is null)
            {
                continue;
            }

            var spec = DriveMapper.ToSpec(drive, context.Options, null);
            if (spec.Type == Spool.DataPath.Drives.DriveType.Tape || Directory.Exists(spec.Path))
            {
                specs.Add(spec);
            }
        }

        return specs.Count > 0
            ? specs
            : throw new AgentFailureException(ReportReasons.DriveNotFound, $"none of the drives {string.Join(", ", names)} is reachable from node {context.Options.NodeName}", names);
    }

    /// <summary>A RestoreJob names no key: the one of the BackupJob it restores from, when that job still exists.</summary>
    private async Task<Spool.DataPath.Format.EncryptionKey?> LoadKeyAsync(RestoreJob job, CancellationToken cancellationToken)
    {
        var ns = job.Metadata.Namespace ?? "";
        if (job.Spec.Source.BackupJob is not { } backupJobName)
        {
            return null;
        }

        var backupJob = await context.Client.GetAsync<BackupJob>(backupJobName, ns, cancellationToken).ConfigureAwait(false);
        return await new EncryptionKeyLoader(context.Client).LoadAsync(backupJob?.Spec.Destination.Encryption, ns, cancellationToken).ConfigureAwait(false);
    }
}
