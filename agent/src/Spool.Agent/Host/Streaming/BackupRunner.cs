using Spool.Agent.Host.Fencing;
using Spool.Agent.Host.Hooks;
using Spool.Agent.Host.Jobs;
using Spool.Agent.Host.Logging;
using Spool.Agent.Host.Progress;
using Spool.Agent.Host.Reclaim;
using Spool.Agent.Host.Snapshots;
using Spool.Agent.Host.Volumes;
using Spool.Api.V1Alpha1;
using Spool.DataPath;
using Spool.DataPath.Drives;
using Spool.DataPath.Format;

using TapeDrive = Spool.Api.V1Alpha1.TapeDrive;

namespace Spool.Agent.Host.Streaming;

/// <summary>
/// One epoch of one BackupJob on this node: volume, key, drives, hooks, stream with acknowledged checkpoints, verify,
/// report. Fenced, it stops and writes nothing; stopped (shutdown, lost lease), it hands the job back.
/// </summary>
public sealed class BackupRunner(AgentContext context)
{
    /// <param name="job">The job as observed when the stream was started (Running, this node, epoch E).</param>
    /// <param name="fence">Tripped when the job is taken away; then nothing more is written.</param>
    /// <param name="stopping">Graceful stop: the stream ends at its last checkpoint and the job is handed back with <paramref name="stopReason"/>.</param>
    /// <param name="hardStop">Process exit: even the hand-back is abandoned.</param>
    public async Task RunAsync(BackupJob job, FenceSignal fence, CancellationToken stopping, Func<string> stopReason, CancellationToken hardStop)
    {
        var status = job.Status ?? new BackupJobStatus();
        var epoch = status.Epoch;
        var jobName = job.Metadata.Name ?? "";
        var ns = job.Metadata.Namespace ?? "";
        var log = context.Log.With("job", $"{ns}/{jobName}", "kind", BackupJob.KindValue, "epoch", epoch);
        var writer = new JobStatusWriter<BackupJob>(context.Client, BackupJobAdapter.Instance, job, context.Options.NodeName, fence, context.Time, context.Options.WriteRetryDelay, log);
        var warnings = new WarningList(status.Warnings);
        var hooks = new HookRunner(context.Client, context.Exec, context.Time, log);
        var snapshots = new SnapshotCoordinator(context.Client, context.Options, context.Time);
        var hookNamespace = status.Volume?.Namespace ?? ns;
        var hookPod = status.Volume?.Pod;
        var postHooksDue = false;
        var snapshotTaken = false;
        string? primaryDrive = null;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(fence.Token, stopping, hardStop);
        var token = cancel.Token;
        context.Metrics.StreamStarted();
        log.Info("Starting backup stream", "node", context.Options.NodeName, "segment", status.Segment, "resume", status.ResumeFrom?.Data is not null);
        try
        {
            var resume = CheckpointCodec.ResumePoint(status.ResumeFrom, epoch);
            var key = await new EncryptionKeyLoader(context.Client).LoadAsync(job.Spec.Destination.Encryption, ns, token).ConfigureAwait(false);
            var parent = await ResolveIncrementalBaseAsync(job, resume, token).ConfigureAwait(false);
            if (job.Spec.Mode == BackupMode.Incremental)
            {
                log.Info(parent is null ? "No complete backup to build on, running a full backup" : "Incremental backup", "parent", parent?.BackupId);
            }

            var drives = await ResolveDrivesAsync(job, parent?.Drives ?? [], token).ConfigureAwait(false);
            primaryDrive = drives.PrimaryName;

            string source;
            if (job.Spec.Source.Snapshot?.Mode == SnapshotMode.CSISnapshot)
            {
                var claim = status.Volume?.PersistentVolumeClaim ?? job.Spec.Source.PersistentVolumeClaim
                    ?? throw new AgentFailureException(ReportReasons.SnapshotFailed, "no claim to snapshot");
                postHooksDue = true;
                warnings.AddRange(await hooks.RunAsync("pre", job.Spec.Source.Hooks?.Pre, hookNamespace, hookPod, token).ConfigureAwait(false));
                snapshotTaken = true;
                await snapshots.TakeAsync(job, epoch, hookNamespace, claim, job.Spec.Source.Snapshot.VolumeSnapshotClassName, token).ConfigureAwait(false);
                log.Info("Volume snapshot ready", "snapshot", SnapshotCoordinator.SnapshotName(jobName, epoch));

                // The snapshot is the consistent point: the workload can resume before the stream starts.
                postHooksDue = false;
                warnings.AddRange(await hooks.RunAsync("post", job.Spec.Source.Hooks?.Post, hookNamespace, hookPod, token).ConfigureAwait(false));
                var clone = await snapshots.FindCloneAsync(jobName, epoch, hookNamespace, token).ConfigureAwait(false);
                source = await new VolumeResolver(context.Client, new VolumeLocator(context.Options.KubeletRoot)).ResolveAsync(clone, ns, token, context.Options.VolumeWait, context.Time).ConfigureAwait(false);
            }
            else
            {
                source = await new VolumeResolver(context.Client, new VolumeLocator(context.Options.KubeletRoot)).ResolveAsync(status.Volume, ns, token, context.Options.VolumeWait, context.Time).ConfigureAwait(false);
                postHooksDue = true;
                warnings.AddRange(await hooks.RunAsync("pre", job.Spec.Source.Hooks?.Pre, hookNamespace, hookPod, token).ConfigureAwait(false));
            }

            log.Info("Reading volume", "path", source, "drive", drives.PrimaryName, "drivePath", drives.Primary.Path);
            var totalsTask = Task.Run(() => SourceTotals.Scan(source, token), token);
            var checkpoint = job.Spec.Checkpoint ?? new CheckpointPolicy();
            var sink = new CheckpointSink(
                writer,
                fence,
                context,
                log,
                warnings,
                () => totalsTask.IsCompletedSuccessfully ? totalsTask.Result : null,
                Math.Max(status.ResumeFrom?.Sequence ?? 0, status.Checkpoint?.Sequence ?? 0),
                0,
                hardStop);
            var backupGuid = BackupIds.ToGuid(status.BackupId ?? job.Metadata.Uid ?? jobName);
            var overwrite = resume is null
                && drives.Primary.Type == Spool.DataPath.Drives.DriveType.Tape
                && await new MediumReuse(context).TryTakeAsync(
                    drives.PrimaryName,
                    new MediumReuseRecord { BackupId = status.BackupId ?? backupGuid.ToString(), Job = $"{ns}/{jobName}", Epoch = epoch, Node = context.Options.NodeName, Time = context.Time.GetUtcNow() },
                    token).ConfigureAwait(false);
            if (overwrite)
            {
                log.Info("Reusing the tape medium from its start", "drive", drives.PrimaryName);
            }

            var request = new BackupRequest
            {
                SourcePath = source,
                OverwriteMedium = overwrite,
                Drive = drives.Primary,
                OtherDrives = drives.Others,
                BackupId = backupGuid,
                Epoch = epoch,
                Compression = job.Spec.Destination.Compression switch
                {
                    CompressionMode.Deflate => CompressionKind.Deflate,
                    CompressionMode.Brotli => CompressionKind.Brotli,
                    _ => CompressionKind.None,
                },
                Encryption = key,
                CheckpointBytes = checkpoint.IntervalBytes,
                CheckpointInterval = TimeSpan.FromSeconds(checkpoint.IntervalSeconds),
                ResumeFrom = resume,
                IncrementalFrom = resume is not null ? resume.IncrementalFrom : parent is null ? null : BackupIds.ToGuid(parent.BackupId),
                StillOwner = _ => ValueTask.FromResult(!fence.IsTripped),
                Label = $"{ns}/{jobName}",
                TimeProvider = context.Time,
            };

            BackupResult result;
            try
            {
                result = await context.Engine.BackupAsync(request, sink, token).ConfigureAwait(false);
            }
            catch (IOException error) when (error is DriveException || !Directory.Exists(drives.Primary.Path))
            {
                throw new AgentFailureException(ReportReasons.DriveFailed, $"drive {drives.PrimaryName}: {error.Message}", [drives.PrimaryName], error);
            }

            if (result.Outcome == BackupOutcome.Fenced || fence.IsTripped)
            {
                fence.Trip(FenceDecision.Fence(FenceReasons.EpochChanged, "the data path's ownership check failed"));
                await RunPostHooksIfDueAsync().ConfigureAwait(false);
                LogFenced(log, fence);
                return;
            }

            context.Metrics.AddBytesStreamed(result.DriveBytes - sink.LastDriveBytes, "backup");
            log.Info("Stream finished", "files", result.Files, "bytes", result.SourceBytes, "driveBytes", result.DriveBytes, "checkpoints", sink.Acknowledged);
            await RunPostHooksIfDueAsync().ConfigureAwait(false);

            var verify = await context.Engine.VerifyAsync(result.BackupId, [drives.Primary, .. drives.Others], key, token).ConfigureAwait(false);
            if (!verify.Ok)
            {
                throw new AgentFailureException(ReportReasons.VerifyFailed, "read-back verification failed: " + string.Join("; ", verify.Problems.Take(10)));
            }

            log.Info("Backup verified", "files", verify.Files, "catalogDigest", verify.CatalogDigest);
            var now = context.Time.GetUtcNow();
            var report = new AgentReport
            {
                Epoch = epoch,
                Node = context.Options.NodeName,
                Outcome = ReportOutcomes.Completed,
                Reason = ReportReasons.Completed,
                Message = $"{result.Files} files, {ByteSize.Format(result.SourceBytes)} written and verified",
                Catalog = new CatalogLocation
                {
                    BackupId = status.BackupId ?? result.BackupId.ToString(),
                    Drives = drives.ChainNames,
                    Redundancy = job.Spec.Destination.Redundancy?.Mode ?? RedundancyMode.None,
                    Bytes = result.SourceBytes,
                    Files = result.Files,
                    Parent = parent?.BackupId,
                    CatalogDigest = verify.CatalogDigest,
                    Verified = true,
                },
                Time = now,
            };
            var progress = ProgressTracker.Build(epoch, now, result.SourceBytes, result.Entries, result.SourceBytes, result.Entries, null);
            using var final = CancellationTokenSource.CreateLinkedTokenSource(fence.Token, hardStop);
            var outcome = await writer.WriteAsync(new AgentWrite { Report = report, Progress = progress, Warnings = warnings.Snapshot() }, final.Token).ConfigureAwait(false);
            if (outcome == WriteOutcome.Fenced)
            {
                LogFenced(log, fence);
                return;
            }

            log.Info("Reported backup completed", "files", result.Files, "bytes", result.SourceBytes);
        }
        catch (OperationCanceledException) when (fence.IsTripped)
        {
            await RunPostHooksIfDueAsync().ConfigureAwait(false);
            LogFenced(log, fence);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested && !hardStop.IsCancellationRequested)
        {
            await RunPostHooksIfDueAsync().ConfigureAwait(false);
            await HandBackAsync(writer, epoch, stopReason(), log, hardStop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (hardStop.IsCancellationRequested)
        {
            log.Warning("Backup stream abandoned at exit");
        }
        catch (AgentFailureException failure)
        {
            await RunPostHooksIfDueAsync().ConfigureAwait(false);
            await ReportFailedAsync(writer, epoch, failure.Reason, failure.Message, failure.FailedDrives, warnings, log, fence, hardStop).ConfigureAwait(false);
        }
        catch (Exception error) when (error is DriveException)
        {
            await RunPostHooksIfDueAsync().ConfigureAwait(false);
            await ReportFailedAsync(writer, epoch, ReportReasons.DriveFailed, error.Message, primaryDrive is null ? null : [primaryDrive], warnings, log, fence, hardStop).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            log.Error(error, "Backup stream failed");
            await RunPostHooksIfDueAsync().ConfigureAwait(false);
            await ReportFailedAsync(writer, epoch, ReportReasons.StreamFailed, $"{error.GetType().Name}: {error.Message}", null, warnings, log, fence, hardStop).ConfigureAwait(false);
        }
        finally
        {
            context.Metrics.StreamEnded();
            if (snapshotTaken)
            {
                await snapshots.DeleteAsync(jobName, epoch, hookNamespace, hardStop).ConfigureAwait(false);
            }
        }

        async Task RunPostHooksIfDueAsync()
        {
            if (!postHooksDue)
            {
                return;
            }

            postHooksDue = false;
            try
            {
                // Post hooks undo what pre hooks did (unfreeze, resume writes): they run whatever happened to the stream.
                warnings.AddRange(await hooks.RunAsync("post", job.Spec.Source.Hooks?.Post, hookNamespace, hookPod, hardStop).ConfigureAwait(false));
            }
            catch (AgentFailureException failure)
            {
                warnings.Add(failure.Message);
            }
        }
    }

    private static void LogFenced(AgentLog log, FenceSignal fence)
    {
        var decision = fence.Decision;
        log.Warning("Backup stream fenced, stopped without further writes", "reason", decision?.Reason, "detail", decision?.Message);
    }

    private async Task HandBackAsync(JobStatusWriter<BackupJob> writer, long epoch, string reason, AgentLog log, CancellationToken hardStop)
    {
        var report = new AgentReport
        {
            Epoch = epoch,
            Node = context.Options.NodeName,
            Outcome = ReportOutcomes.HandedBack,
            Reason = reason,
            Message = "the agent stopped the stream at its last acknowledged checkpoint",
            Time = context.Time.GetUtcNow(),
        };
        var outcome = await writer.WriteAsync(new AgentWrite { Report = report }, hardStop).ConfigureAwait(false);
        log.Info(outcome == WriteOutcome.Written ? "Handed job back" : "Hand-back not written, fenced", "reason", reason);
    }

    private async Task ReportFailedAsync(JobStatusWriter<BackupJob> writer, long epoch, string reason, string message, IReadOnlyList<string>? failedDrives, WarningList warnings, AgentLog log, FenceSignal fence, CancellationToken hardStop)
    {
        if (fence.IsTripped)
        {
            LogFenced(log, fence);
            return;
        }

        log.Warning("Backup failed", "reason", reason, "detail", message, "failedDrives", failedDrives);
        var report = new AgentReport
        {
            Epoch = epoch,
            Node = context.Options.NodeName,
            Outcome = ReportOutcomes.Failed,
            Reason = reason,
            Message = message,
            FailedDrives = failedDrives,
            Time = context.Time.GetUtcNow(),
        };
        try
        {
            await writer.WriteAsync(new AgentWrite { Report = report, Warnings = warnings.Snapshot() }, hardStop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            log.Warning("Failure report abandoned at exit", "reason", reason);
        }
    }

    /// <summary>The catalog entry an Incremental run builds on; a resumed run keeps the base its checkpoint names.</summary>
    private async Task<CatalogEntry?> ResolveIncrementalBaseAsync(BackupJob job, Checkpoint? resume, CancellationToken cancellationToken)
    {
        var status = job.Status!;
        var ns = status.Volume?.Namespace ?? job.Metadata.Namespace ?? "";
        var claim = status.Volume?.PersistentVolumeClaim ?? job.Spec.Source.PersistentVolumeClaim;
        var resolver = new IncrementalBaseResolver(context.Client, context.Options.CatalogNamespace ?? context.Options.Namespace);
        if (resume is not null)
        {
            if (resume.IncrementalFrom is not { } baseId)
            {
                return null;
            }

            return (claim is null ? null : await resolver.FindAsync(ns, claim, baseId, cancellationToken).ConfigureAwait(false))
                ?? throw new AgentFailureException(ReportReasons.CheckpointUnusable, $"the incremental base {baseId} of the checkpoint is no longer in the catalog");
        }

        if (job.Spec.Mode != BackupMode.Incremental || claim is null)
        {
            return null;
        }

        return await resolver.LatestCompleteAsync(ns, claim, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ResolvedDrives> ResolveDrivesAsync(BackupJob job, IReadOnlyList<string> baseDrives, CancellationToken cancellationToken)
    {
        var status = job.Status!;
        if (job.Spec.Destination.Redundancy is { Mode: not RedundancyMode.None })
        {
            throw new AgentFailureException(ReportReasons.StreamFailed, $"redundancy {job.Spec.Destination.Redundancy.Mode} is not supported by this agent's data path yet");
        }

        var held = status.Drives?.Where(d => d.State == "Active").OrderBy(d => d.Member).ToList() ?? [];
        if (held.Count == 0)
        {
            throw new AgentFailureException(ReportReasons.DriveNotFound, "the job holds no active drive");
        }

        var primaryName = held[0].Name;
        var primary = await context.Client.GetAsync<TapeDrive>(primaryName, null, cancellationToken).ConfigureAwait(false)
            ?? throw new AgentFailureException(ReportReasons.DriveNotFound, $"drive {primaryName} does not exist", [primaryName]);
        var primarySpec = DriveMapper.ToSpec(primary, context.Options, job.Spec.Destination.BlockSizeBytes);
        DriveMapper.EnsureReachable(primaryName, primarySpec);

        // Earlier segments (a resume on another drive) are read back at verify time: every drive an attempt used since
        // the last fresh start. A fresh start writes a new backup, so the drives of earlier attempts are not part of it.
        var chain = new List<string>();
        var attempts = status.Attempts ?? [];
        var lastFresh = 0;
        for (var i = 0; i < attempts.Count; i++)
        {
            if (attempts[i].Restart == "Fresh")
            {
                lastFresh = i;
            }
        }

        foreach (var attempt in attempts.Skip(lastFresh))
        {
            foreach (var name in attempt.Drives ?? [])
            {
                if (!chain.Contains(name, StringComparer.Ordinal))
                {
                    chain.Add(name);
                }
            }
        }

        if (!chain.Contains(primaryName, StringComparer.Ordinal))
        {
            chain.Add(primaryName);
        }

        var others = new List<DriveSpec>();
        var reachable = new List<string>();
        foreach (var name in chain.Concat(baseDrives).Distinct(StringComparer.Ordinal).Where(n => n != primaryName))
        {
            var drive = await context.Client.GetAsync<TapeDrive>(name, null, cancellationToken).ConfigureAwait(false);
            if (drive is null)
            {
                continue;
            }

            var spec = DriveMapper.ToSpec(drive, context.Options, null);
            if (spec.Type == Spool.DataPath.Drives.DriveType.Directory && Directory.Exists(spec.Path))
            {
                others.Add(spec);
                reachable.Add(name);
            }
        }

        return new ResolvedDrives(primaryName, primarySpec, others, chain);
    }

    private sealed record ResolvedDrives(string PrimaryName, DriveSpec Primary, IReadOnlyList<DriveSpec> Others, IReadOnlyList<string> ChainNames);
}
