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
                drives.StripeBlocks,
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
                Redundancy = drives.Set,
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
            catch (IOException error) when (drives.Set is not null)
            {
                // A member whose medium is gone is the one that failed; the others stay with the job.
                var gone = drives.Members.Where(m => m.Spec is { } spec && !Directory.Exists(spec.Path) && spec.Type == Spool.DataPath.Drives.DriveType.Directory).Select(m => m.Name).ToList();
                if (gone.Count == 0 && error is not DriveException)
                {
                    throw;
                }

                var named = gone.Count > 0 ? gone : drives.Members.Where(m => m.Spec is not null && error.Message.Contains(m.Spec.Path, StringComparison.Ordinal)).Select(m => m.Name).ToList();
                throw new AgentFailureException(ReportReasons.DriveFailed, $"member drive(s) {string.Join(", ", named.DefaultIfEmpty(drives.PrimaryName))} of the {drives.Set.Mode} set: {error.Message}", named.Count > 0 ? named : null, error);
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

            var verify = await context.Engine.VerifyAsync(result.BackupId, drives.VerifyDrives, key, token).ConfigureAwait(false);
            if (!verify.Ok)
            {
                throw new AgentFailureException(ReportReasons.VerifyFailed, "read-back verification failed: " + string.Join("; ", verify.Problems.Take(10)));
            }

            log.Info("Backup verified", "files", verify.Files, "catalogDigest", verify.CatalogDigest, "degradedMembers", verify.DegradedMembers);
            var now = context.Time.GetUtcNow();
            var report = new AgentReport
            {
                Epoch = epoch,
                Node = context.Options.NodeName,
                Outcome = ReportOutcomes.Completed,
                Reason = ReportReasons.Completed,
                Message = verify.DegradedMembers.Count == 0
                    ? $"{result.Files} files, {ByteSize.Format(result.SourceBytes)} written and verified"
                    : $"{result.Files} files, {ByteSize.Format(result.SourceBytes)} written and verified degraded: {string.Join("; ", verify.DegradedMembers)}",
                Stripes = drives.StripeBlocks > 0 ? (result.Blocks + drives.StripeBlocks - 1) / drives.StripeBlocks : null,
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
        if (job.Spec.Destination.Redundancy is { Mode: not RedundancyMode.None } redundancy)
        {
            return await ResolveSetAsync(job, redundancy, baseDrives, cancellationToken).ConfigureAwait(false);
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

        var others = await ReadableAsync(chain.Concat(baseDrives).Distinct(StringComparer.Ordinal).Where(n => n != primaryName), cancellationToken).ConfigureAwait(false);
        return new ResolvedDrives(primaryName, primarySpec, others, chain, null, [], 0, [primarySpec, .. others]);
    }

    /// <summary>
    /// The member drives of a Mirror or Parity job in member order. A member the operator records as Failed (the job
    /// continues degraded) is absent from the set: nothing is written to it, and readers rebuild its blocks.
    /// </summary>
    private async Task<ResolvedDrives> ResolveSetAsync(BackupJob job, RedundancySpec redundancy, IReadOnlyList<string> baseDrives, CancellationToken cancellationToken)
    {
        var status = job.Status!;
        var width = redundancy.Width;
        var held = status.Drives ?? [];
        var members = new List<SetMember>();
        var absent = new List<int>();
        for (var i = 0; i < width; i++)
        {
            var active = held.FirstOrDefault(d => d.Member == i && d.State == "Active");
            if (active is not null)
            {
                var drive = await context.Client.GetAsync<TapeDrive>(active.Name, null, cancellationToken).ConfigureAwait(false)
                    ?? throw new AgentFailureException(ReportReasons.DriveNotFound, $"drive {active.Name} does not exist", [active.Name]);
                var spec = DriveMapper.ToSpec(drive, context.Options, job.Spec.Destination.BlockSizeBytes);
                DriveMapper.EnsureReachable(active.Name, spec);
                members.Add(new SetMember(active.Name, i, spec));
                continue;
            }

            var failed = held.LastOrDefault(d => d.Member == i && d.State == "Failed")
                ?? throw new AgentFailureException(ReportReasons.DriveNotFound, $"the job holds no drive for member {i} of its {redundancy.Mode} set of {width}");
            var lost = await context.Client.GetAsync<TapeDrive>(failed.Name, null, cancellationToken).ConfigureAwait(false);

            // The lost drive keeps its place in the member headers, so that a reader can name what is missing.
            var path = lost is null ? failed.Name : context.Options.MapDrivePath(lost.Spec.Path);
            members.Add(new SetMember(failed.Name, i, null) { Placeholder = new DriveSpec(Spool.DataPath.Drives.DriveType.Directory, path, job.Spec.Destination.BlockSizeBytes, null) });
            absent.Add(i);
        }

        var mode = redundancy.Mode == RedundancyMode.Parity ? Spool.DataPath.Redundancy.RedundancyMode.Parity : Spool.DataPath.Redundancy.RedundancyMode.Mirror;
        var set = new Spool.DataPath.Redundancy.RedundancySet(mode, members.Select(m => m.Spec ?? m.Placeholder!).ToList()) { AbsentMembers = absent };
        try
        {
            set.Validate();
        }
        catch (ArgumentException error)
        {
            throw new AgentFailureException(ReportReasons.StreamFailed, $"the job's {redundancy.Mode} set cannot be written: {error.Message}", null, error);
        }

        // Drives of earlier attempts since the last fresh start hold the segments before the checkpoint, possibly in
        // other sets (a member was replaced or went missing); they are read back at resume and at verify.
        var chain = members.Select(m => m.Name).ToList();
        foreach (var attempt in AttemptsSinceFresh(status))
        {
            foreach (var name in attempt.Drives ?? [])
            {
                if (!chain.Contains(name, StringComparer.Ordinal))
                {
                    chain.Add(name);
                }
            }
        }

        var readable = await ReadableAsync(chain.Concat(baseDrives).Distinct(StringComparer.Ordinal), cancellationToken).ConfigureAwait(false);

        // Only a resume or an incremental run reads what is already on the drives; a fresh full run needs nothing else.
        var others = status.ResumeFrom is not null || baseDrives.Count > 0 ? readable : [];
        var first = members.First(m => m.Spec is not null);
        var stripeBlocks = mode == Spool.DataPath.Redundancy.RedundancyMode.Parity ? width - 1 : 1;
        return new ResolvedDrives(first.Name, first.Spec!, others, chain, set, members, stripeBlocks, readable);
    }

    private static IEnumerable<Attempt> AttemptsSinceFresh(BackupJobStatus status)
    {
        var attempts = status.Attempts ?? [];
        var lastFresh = 0;
        for (var i = 0; i < attempts.Count; i++)
        {
            if (attempts[i].Restart == "Fresh")
            {
                lastFresh = i;
            }
        }

        return attempts.Skip(lastFresh);
    }

    /// <summary>The named drives that exist and whose directory this node sees; a lost or failed one is left out.</summary>
    private async Task<List<DriveSpec>> ReadableAsync(IEnumerable<string> names, CancellationToken cancellationToken)
    {
        var specs = new List<DriveSpec>();
        foreach (var name in names)
        {
            var drive = await context.Client.GetAsync<TapeDrive>(name, null, cancellationToken).ConfigureAwait(false);
            if (drive is null)
            {
                continue;
            }

            var spec = DriveMapper.ToSpec(drive, context.Options, null);
            if (spec.Type == Spool.DataPath.Drives.DriveType.Directory && Directory.Exists(spec.Path))
            {
                specs.Add(spec);
            }
        }

        return specs;
    }

    /// <param name="Set">The redundancy set new blocks go to; null for a plain stream to <paramref name="Primary"/>.</param>
    /// <param name="StripeBlocks">Blocks per stripe (k for Parity, 1 for Mirror); 0 without redundancy.</param>
    /// <param name="VerifyDrives">Everything the read-back after the stream needs.</param>
    private sealed record ResolvedDrives(
        string PrimaryName,
        DriveSpec Primary,
        IReadOnlyList<DriveSpec> Others,
        IReadOnlyList<string> ChainNames,
        Spool.DataPath.Redundancy.RedundancySet? Set,
        IReadOnlyList<SetMember> Members,
        int StripeBlocks,
        IReadOnlyList<DriveSpec> VerifyDrives);

    /// <param name="Spec">Null for an absent (failed) member.</param>
    private sealed record SetMember(string Name, int Index, DriveSpec? Spec)
    {
        public DriveSpec? Placeholder { get; init; }
    }
}
