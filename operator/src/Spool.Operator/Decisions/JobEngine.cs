using Spool.Api;
using Spool.Api.V1Alpha1;

namespace Spool.Operator.Decisions;

/// <summary>
/// The life cycle of docs/design.md for one job: admission, placement, drive claims, assignment, failover,
/// completion, deletion. Pure: it reads a <see cref="JobFrame"/> and a <see cref="ClusterSnapshot"/> and returns
/// the actions, in the order the shell must apply them.
/// </summary>
internal sealed class JobEngine
{
    public const string Running = Reasons.Running;
    public const string WaitingForDrive = Reasons.WaitingForDrive;
    public const string NodeBusy = Reasons.NodeBusy;
    public const string NoReachableDrive = Reasons.NoReachableDrive;
    public const string DrivesUnavailable = Reasons.DrivesUnavailable;
    public const string MounterPodStarting = Reasons.MounterPodStarting;
    public const string NoNodeForMounter = Reasons.NoNodeForMounter;
    public const string VolumeMoved = Reasons.VolumeMoved;
    public const string DriveFailed = Reasons.DriveFailed;
    public const string DriveOffline = Reasons.DriveOffline;
    public const string DriveLost = Reasons.DriveLost;
    public const string AgentFailed = Reasons.AgentFailed;
    public const string AgentHandedBack = Reasons.AgentHandedBack;
    public const string CheckpointUnusable = Reasons.CheckpointUnusable;
    public const string StaleWrite = Reasons.StaleWrite;
    public const string DeadlineExceeded = Reasons.DeadlineExceeded;

    private readonly JobFrame frame;
    private readonly ClusterSnapshot cluster;
    private readonly Func<BackupJobStatus, OperatorAction?> statusAction;
    private readonly List<OperatorAction> metadata = [];
    private readonly List<OperatorAction> driveWrites = [];
    private readonly List<OperatorAction> after = [];
    private readonly List<OperatorAction> events = [];
    private BackupJobStatus? newStatus;

    private JobEngine(JobFrame frame, ClusterSnapshot cluster, Func<BackupJobStatus, OperatorAction?> statusAction)
    {
        this.frame = frame;
        this.cluster = cluster;
        this.statusAction = statusAction;
    }

    private DateTimeOffset Now => JobConditions.Truncate(cluster.Now);

    private JobRef Job => frame.Job;

    /// <param name="statusAction">Turns the new status into the write, or null when the stored status already says it.</param>
    public static IReadOnlyList<OperatorAction> Decide(JobFrame frame, ClusterSnapshot cluster, Func<BackupJobStatus, OperatorAction?> statusAction)
    {
        var engine = new JobEngine(frame, cluster, statusAction);
        engine.Run();
        return engine.Assemble();
    }

    private void Run()
    {
        var status = frame.Status;
        if (frame.Deleting)
        {
            foreach (var drive in Held())
            {
                driveWrites.Add(new ReleaseDrive(drive.Metadata.Name!, Job, 0, false, drive.Metadata.ResourceVersion));
            }

            DeleteMounter();
            if (frame.HasFinalizer)
            {
                after.Add(new RemoveFinalizer(Job, SpoolGroup.Finalizer, frame.ResourceVersion));
            }

            return;
        }

        if (IsTerminal(status.Phase))
        {
            CleanUpFinished();
            return;
        }

        if (status.Phase == BackupPhase.Running)
        {
            DecideRunning(status);
        }
        else
        {
            Place(status, null);
        }
    }

    /// <summary>Metadata first (finalizer before any claim), then claims and releases, then the status, then cleanup.</summary>
    private List<OperatorAction> Assemble()
    {
        var result = new List<OperatorAction>(metadata.Count + driveWrites.Count + after.Count + events.Count + 2);
        result.AddRange(metadata);
        result.AddRange(driveWrites);
        if (newStatus is not null && statusAction(newStatus) is { } write)
        {
            result.Add(write);
        }

        result.AddRange(after);
        result.AddRange(events);
        return result;
    }

    private static bool IsTerminal(BackupPhase? phase) =>
        phase is BackupPhase.Succeeded or BackupPhase.Failed or BackupPhase.PartiallySucceeded;

    private IEnumerable<TapeDrive> Held() => cluster.Drives.Where(d => DriveArbiter.IsHeldBy(d, Job));

    private void Event(string type, string reason, string message) => events.Add(new RecordEvent(frame.Regarding, type, reason, message));

    private void DeleteMounter()
    {
        if (frame.MounterPod is { } pod)
        {
            after.Add(new DeleteMounterPod(Job, pod.Metadata.Namespace ?? Job.Namespace, pod.Metadata.Name!));
        }
    }

    private void EnsureFinalizer()
    {
        if (!frame.HasFinalizer)
        {
            metadata.Add(new AddFinalizer(Job, SpoolGroup.Finalizer, frame.ResourceVersion));
        }
    }

    private void CleanUpFinished()
    {
        foreach (var drive in Held())
        {
            driveWrites.Add(new ReleaseDrive(drive.Metadata.Name!, Job, 0, false, drive.Metadata.ResourceVersion));
        }

        DeleteMounter();
        if (frame.NodeLabel is not null)
        {
            after.Add(new SetNodeLabel(Job, null, frame.ResourceVersion));
        }

        if (frame.HasFinalizer)
        {
            after.Add(new RemoveFinalizer(Job, SpoolGroup.Finalizer, frame.ResourceVersion));
        }
    }

    // ---- Running -------------------------------------------------------------------------------------------

    private void DecideRunning(BackupJobStatus status)
    {
        var epoch = status.Epoch;
        var next = status;
        if (next.Checkpoint is { } checkpoint && checkpoint.Epoch != epoch)
        {
            next = next with { Checkpoint = null };
            Event(RecordEvent.Warning, StaleWrite, $"Ignored checkpoint sequence {checkpoint.Sequence} of epoch {checkpoint.Epoch} from node {checkpoint.Node ?? "unknown"}; the job is at epoch {epoch}");
        }

        if (next.Report is { } stale && stale.Epoch != epoch)
        {
            next = next with { Report = null };
            Event(RecordEvent.Warning, StaleWrite, $"Ignored report {stale.Outcome} of epoch {stale.Epoch} from node {stale.Node ?? "unknown"}; the job is at epoch {epoch}");
        }

        if (next.Report is { } report)
        {
            switch (report.Outcome)
            {
                case "Completed":
                    Complete(next, report);
                    return;
                case "HandedBack":
                    Failover(next, AgentHandedBack, $"the agent on node {next.Node} handed the job back: {report.Reason ?? report.Message ?? "no reason given"}", new HashSet<string>());
                    return;
                default:
                    var failed = (report.FailedDrives ?? []).Where(d => next.Drives?.Any(h => h.Name == d) == true).ToHashSet(StringComparer.Ordinal);
                    if (failed.Count > 0)
                    {
                        foreach (var name in failed.Order(StringComparer.Ordinal))
                        {
                            var drive = cluster.FindDrive(name);
                            if (drive is not null && drive.Status?.Phase != DrivePhase.Failed)
                            {
                                driveWrites.Add(new MarkDriveFailed(name, report.Reason ?? DriveFailed, report.Message ?? $"reported failing by the agent on node {next.Node}", drive.Metadata.ResourceVersion));
                            }
                        }

                        Failover(next, DriveFailed, $"the agent on node {next.Node} reported drives {string.Join(", ", failed.Order(StringComparer.Ordinal))} failing: {report.Message ?? report.Reason}", failed);
                        return;
                    }

                    var retries = next.Attempts?.Count(a => a.Reason == AgentFailed) ?? 0;
                    if (retries < frame.BackoffLimit)
                    {
                        Failover(next, AgentFailed, $"the agent on node {next.Node} failed ({retries + 1} of {frame.BackoffLimit + 1} attempts): {report.Message ?? report.Reason ?? report.Outcome}", new HashSet<string>());
                    }
                    else
                    {
                        Fail(next, report.Reason ?? AgentFailed, $"{frame.Noun} failed after {retries + 1} attempts: {report.Message ?? report.Reason ?? report.Outcome}");
                    }

                    return;
            }
        }

        if (frame.ActiveDeadlineSeconds is { } deadline && next.StartTime is { } start && cluster.Now >= start + TimeSpan.FromSeconds(deadline))
        {
            Fail(next, DeadlineExceeded, $"{frame.Noun} ran longer than activeDeadlineSeconds {deadline}");
            return;
        }

        var signal = DetectSignal(next);
        if (signal is { } s)
        {
            Failover(next, s.Reason, s.Message, s.Excluded);
            return;
        }

        // Healthy: keep the label, the finalizer and the drive operation log in line, and come back before the lease can expire.
        if (frame.NodeLabel != next.Node)
        {
            metadata.Add(new SetNodeLabel(Job, next.Node, frame.ResourceVersion));
        }

        EnsureFinalizer();
        if (frame.WritesToDrives && next.Checkpoint is { } current && current.Epoch == epoch)
        {
            foreach (var drive in Held())
            {
                if (drive.Status?.PendingOperation is { Operation: "Recover" } op && op.Epoch == epoch)
                {
                    driveWrites.Add(new RecordDriveOperation(drive.Metadata.Name!, AppendOperation(next.Node!, epoch, next.BackupId, next.Segment), drive.Metadata.ResourceVersion));
                }
            }
        }

        if (next.ObservedGeneration != frame.Generation)
        {
            next = next with { ObservedGeneration = frame.Generation, Conditions = JobConditions.Observe(next.Conditions, frame.Generation) };
        }

        newStatus = next;
        var wake = cluster.Settings.RunningResync;
        if (NodeHealth.LeaseExpiry(cluster, next.Node!) is { } expiry)
        {
            var untilExpiry = expiry - cluster.Now + TimeSpan.FromMilliseconds(250);
            wake = untilExpiry < wake ? untilExpiry : wake;
        }

        if (frame.ActiveDeadlineSeconds is { } limit && next.StartTime is { } began)
        {
            var untilDeadline = began + TimeSpan.FromSeconds(limit) - cluster.Now;
            wake = untilDeadline < wake ? untilDeadline : wake;
        }

        after.Add(new RequeueAfter(wake < TimeSpan.FromMilliseconds(250) ? TimeSpan.FromMilliseconds(250) : wake));
    }

    private (string Reason, string Message, IReadOnlySet<string> Excluded)? DetectSignal(BackupJobStatus status)
    {
        var node = status.Node!;
        if (NodeHealth.Check(cluster, node) is { } unhealthy)
        {
            return (unhealthy.Reason, unhealthy.Message, new HashSet<string>());
        }

        var owner = frame.Owner;
        if (owner.Resolved && owner.Node != node)
        {
            return (VolumeMoved, $"the volume's owner moved from node {node} to node {owner.Node} ({owner.Resolution} {owner.Pod ?? owner.PersistentVolume})", new HashSet<string>());
        }

        if (!owner.Resolved)
        {
            return (VolumeMoved, $"the volume is no longer available on node {node}: {owner.WaitMessage}", new HashSet<string>());
        }

        var nodeObject = cluster.FindNode(node);
        var excluded = new HashSet<string>(StringComparer.Ordinal);
        string? reason = null;
        var messages = new List<string>();
        foreach (var held in status.Drives ?? [])
        {
            if (held.State != "Active")
            {
                continue;
            }

            var drive = cluster.FindDrive(held.Name);
            (string Reason, string Message)? problem = drive switch
            {
                null => (DriveLost, $"drive {held.Name} was deleted"),
                _ when drive.Status?.Phase == DrivePhase.Failed => (DriveFailed, $"drive {held.Name} failed: {drive.Status.LastError ?? "no detail"}"),
                _ when drive.Spec.Offline => (DriveOffline, $"drive {held.Name} was taken offline"),
                _ when !DriveArbiter.IsHeldBy(drive, Job) || drive.Status!.Holder!.Epoch != status.Epoch =>
                    (DriveLost, $"the claim on drive {held.Name} is no longer held by this job at epoch {status.Epoch}"),
                _ when !DriveArbiter.Reaches(drive, nodeObject) => (DriveLost, $"drive {held.Name} is no longer reachable from node {node}"),
                _ => null,
            };
            if (problem is { } p)
            {
                // A claim of ours at another epoch (at a newer one: an assignment whose status write did not land) is
                // on a drive that is still ours and otherwise healthy, so the new placement may take it again. Excluding
                // it would only last for this decision: the next one, without the failover, would claim it anyway.
                var oursAtAnotherEpoch = drive is not null && p.Reason == DriveLost && DriveArbiter.IsHeldBy(drive, Job);
                if (!oursAtAnotherEpoch)
                {
                    excluded.Add(held.Name);
                }

                reason ??= p.Reason;
                messages.Add(p.Message);
            }
        }

        return reason is null ? null : (reason, string.Join("; ", messages), excluded);
    }

    // ---- Completion and failure --------------------------------------------------------------------------

    private void Complete(BackupJobStatus status, AgentReport report)
    {
        var bytes = report.Catalog?.Bytes ?? status.Progress?.BytesDone ?? 0;
        foreach (var drive in Held())
        {
            driveWrites.Add(new ReleaseDrive(drive.Metadata.Name!, Job, bytes, true, drive.Metadata.ResourceVersion));
        }

        // A member still missing at the end leaves the stripes up to the last one degraded.
        var degraded = report.Stripes is { } stripes && status.DegradedStripes is { Count: > 0 } ranges
            ? ranges.Select(r => r.ToStripe is null ? r with { ToStripe = Math.Max(r.FromStripe, stripes - 1) } : r).ToList()
            : status.DegradedStripes;
        var degradedNote = degraded is { Count: > 0 }
            ? "; DEGRADED: " + string.Join(", ", degraded.Select(r => $"member {r.Member} ({r.Drive}) missing in stripes {r.FromStripe}-{(r.ToStripe is { } to ? to.ToString(System.Globalization.CultureInfo.InvariantCulture) : "end")}"))
            : "";
        var message = (report.Catalog is { } catalog
            ? $"{frame.Noun} {catalog.BackupId} completed on node {status.Node}: {catalog.Bytes} bytes, {catalog.Files} files on drives {string.Join(", ", catalog.Drives)}"
            : $"{frame.Noun} completed on node {status.Node}") + degradedNote;
        newStatus = status with
        {
            Phase = BackupPhase.Succeeded,
            CompletionTime = Now,
            Catalog = report.Catalog ?? status.Catalog,
            Attempts = CloseAttempt(status, "Completed", bytes),
            Drives = status.Drives?.Select(d => d.State == "Failed" ? d : d with { State = "Released" }).ToList(),
            DegradedStripes = degraded,
            ObservedGeneration = frame.Generation,
            Conditions = JobConditions.Finished(status.Conditions, true, "Completed", message, frame.Generation, cluster.Now),
        };
        CleanUpAfterEnd();
        Event(RecordEvent.Normal, "Completed", message);
    }

    private void Fail(BackupJobStatus status, string reason, string message)
    {
        foreach (var drive in Held())
        {
            driveWrites.Add(new ReleaseDrive(drive.Metadata.Name!, Job, 0, false, drive.Metadata.ResourceVersion));
        }

        newStatus = status with
        {
            Phase = BackupPhase.Failed,
            CompletionTime = Now,
            Attempts = status.Phase == BackupPhase.Running ? CloseAttempt(status, reason, BytesDoneInEpoch(status)) : status.Attempts,
            Drives = status.Drives?.Select(d => d with { State = "Released" }).ToList(),
            ObservedGeneration = frame.Generation,
            Conditions = JobConditions.Finished(status.Conditions, false, reason, message, frame.Generation, cluster.Now),
        };
        CleanUpAfterEnd();
        Event(RecordEvent.Warning, "Failed", message);
    }

    private void CleanUpAfterEnd()
    {
        DeleteMounter();
        if (frame.NodeLabel is not null)
        {
            after.Add(new SetNodeLabel(Job, null, frame.ResourceVersion));
        }

        if (frame.HasFinalizer)
        {
            after.Add(new RemoveFinalizer(Job, SpoolGroup.Finalizer, frame.ResourceVersion));
        }
    }

    private IReadOnlyList<Attempt> CloseAttempt(BackupJobStatus status, string reason, long bytesDone)
    {
        var attempts = (status.Attempts ?? []).ToList();
        var index = attempts.FindLastIndex(a => a.Epoch == status.Epoch && a.EndTime is null);
        if (index >= 0)
        {
            attempts[index] = attempts[index] with { EndTime = Now, Reason = reason, BytesDone = bytesDone };
        }

        return attempts;
    }

    /// <summary>What the epoch streamed: its last checkpoint or its last progress report, whichever is further.</summary>
    private static long BytesDoneInEpoch(BackupJobStatus status)
    {
        var fromCheckpoint = status.Checkpoint is { } c && c.Epoch == status.Epoch ? c.BytesDone : status.ResumeFrom?.BytesDone ?? 0;
        var fromProgress = status.Progress is { } p && p.Epoch == status.Epoch ? p.BytesDone : 0;
        return Math.Max(fromCheckpoint, fromProgress);
    }

    // ---- Failover ---------------------------------------------------------------------------------------

    private void Failover(BackupJobStatus status, string reason, string message, IReadOnlySet<string> excluded)
    {
        var epoch = status.Epoch;
        var bytesDone = BytesDoneInEpoch(status);
        CheckpointRecord? resume = null;
        string progressReason;
        string progressMessage;
        // Without redundancy the segments before the checkpoint live only on the lost drive, and a resume needs them
        // (the catalog journal and the restore chain), so a checkpoint there is unusable however well it verifies.
        // With redundancy a lost member loses nothing while every stripe keeps enough members: the job resumes from its
        // checkpoint without it (degraded) or with a replacement. One loss too many makes the written stripes unreadable.
        var demand = frame.Demand;
        var ranges = status.DegradedStripes ?? [];
        var lostMembers = demand.Mode == RedundancyMode.None
            ? []
            : (status.Drives ?? []).Where(h => h.State == "Active" && excluded.Contains(h.Name)).ToList();
        var survivable = lostMembers.Count > 0 && ranges.Count + lostMembers.Count <= demand.Tolerated;
        var dataOnLostDrive = reason is Reasons.DriveFailed or Reasons.DriveOffline or Reasons.DriveLost
            && excluded.Count > 0
            && !survivable
            && (status.Checkpoint is not null || status.ResumeFrom is not null);
        if (frame.RestartPolicy == RestartPolicy.Checkpoint && dataOnLostDrive)
        {
            progressReason = CheckpointUnusable;
            progressMessage = lostMembers.Count > 0
                ? $"{ranges.Count + lostMembers.Count} members of the {demand.Mode} set are lost, more than the {demand.Tolerated} it survives ({reason}); started over"
                : $"the checkpoint's earlier segments are on a drive that is no longer usable ({reason}); started over on another drive";
        }
        else if (frame.RestartPolicy == RestartPolicy.Checkpoint)
        {
            var candidates = new[] { status.Checkpoint is { } c && c.Epoch == epoch ? c : null, status.ResumeFrom }
                .Where(c => c is not null)
                .Select(c => c!)
                .OrderByDescending(c => c.Sequence)
                .ToList();
            resume = candidates.FirstOrDefault(Checkpoints.Verifies);
            if (resume is not null)
            {
                progressReason = "Resumed";
                progressMessage = $"resumed from checkpoint sequence {resume.Sequence} ({resume.BytesDone} bytes) after {reason}";
            }
            else if (candidates.Count > 0)
            {
                var bad = candidates[0];
                progressReason = CheckpointUnusable;
                progressMessage = $"checkpoint sequence {bad.Sequence} of epoch {bad.Epoch} does not verify (digest mismatch or no data); started over after {reason}";
            }
            else
            {
                progressReason = "Restarted";
                progressMessage = $"no checkpoint to resume from; started over after {reason}";
            }
        }
        else
        {
            progressReason = "Restarted";
            progressMessage = $"restartPolicy Fresh; started over after {reason}";
        }

        var fresh = resume is null;

        // A fresh start is a new backup: what the old one lacked no longer matters.
        var degraded = fresh ? null
            : survivable ? ranges.Concat(lostMembers.Select(h => new DegradedRange { Member = h.Member, Drive = h.Name, FromStripe = h.FromStripe ?? 0 })).ToList()
            : status.DegradedStripes;
        var moved = status with
        {
            DegradedStripes = degraded,
            Phase = BackupPhase.Waiting,
            Node = null,
            Drives = null,
            DriveSummary = null,
            Checkpoint = null,
            Report = null,
            ResumeFrom = resume,
            BackupId = fresh ? $"{frame.BackupIdBase}-{epoch + 1}" : status.BackupId,
            Segment = fresh ? null : status.Segment,
            Attempts = CloseAttempt(status, reason, bytesDone),
        };
        Event(RecordEvent.Warning, "FailedOver", $"Epoch {epoch} on node {status.Node} ended: {message}");
        var context = new FailoverContext(reason, message, status.Node, epoch, excluded, resume, progressReason, progressMessage);
        Place(moved, context);
        var toNode = newStatus?.Phase == BackupPhase.Running ? newStatus.Node : null;
        var resent = Math.Max(0, bytesDone - (resume?.BytesDone ?? 0));
        events.Add(new RecordFailover(Job, reason, status.Node, toNode, epoch, resent));
    }

    // ---- Placement --------------------------------------------------------------------------------------

    private void Place(BackupJobStatus status, FailoverContext? failover)
    {
        status = status with { BackupId = status.BackupId ?? frame.BackupIdBase };
        if (frame.Problem is { } problem)
        {
            Wait(status, problem.Reason, problem.Message, problem.Stalled, failover, null);
            return;
        }

        if (frame.Replica is { FailReason: { } replicaFailure } refused)
        {
            var volume = status.Volume ?? new ResolvedVolume { Namespace = frame.VolumeNamespace, PersistentVolumeClaim = frame.VolumeClaim };
            Fail(status with { Volume = volume with { ReplicaRole = null, ReplicaReason = refused.Reason } }, replicaFailure, $"no replica can be read: {refused.Reason}");
            return;
        }

        var owner = frame.Owner;
        if (!owner.Resolved)
        {
            if (owner.NeedsMounter && frame.NewMounterPod is not null)
            {
                StartMounter(status, failover);
                return;
            }

            Wait(status, owner.WaitReason!, owner.WaitMessage!, owner.Stalled, failover, owner);
            return;
        }

        var node = owner.Node!;
        if (NodeHealth.Check(cluster, node) is { } unhealthy)
        {
            var reason = unhealthy.Reason == NodeHealth.AgentLeaseExpired ? "AgentNotReady" : unhealthy.Reason;
            Wait(status, reason, $"the volume's owner is node {node}, which cannot run a stream: {unhealthy.Message}", false, failover, owner);
            return;
        }

        var demand = frame.Demand;
        if (demand.Problem is { } bad)
        {
            Wait(status, bad.Reason, bad.Message, true, failover, owner);
            return;
        }

        // A set with a member missing needs one drive fewer (degraded), or the full width to replace it.
        var open = OpenRanges(status);
        var need = demand.Count - open.Count;
        var want = demand.ReplaceFailedMember ? demand.Count : need;

        var nodeObject = cluster.FindNode(node);
        var reachable = demand.Candidates
            .Select(cluster.FindDrive)
            .Where(d => d is not null && DriveArbiter.Reaches(d, nodeObject))
            .Select(d => d!)
            .ToList();
        if (reachable.Count < need)
        {
            Wait(status, NoReachableDrive, $"{reachable.Count} of {demand.Description} reach node {node}; {need} needed", true, failover, owner);
            return;
        }

        // A member lost from the set is never taken back into it: its stripes are accounted as degraded.
        var excluded = new HashSet<string>(failover?.ExcludedDrives ?? new HashSet<string>(), StringComparer.Ordinal);
        excluded.UnionWith(open.Select(r => r.Drive ?? ""));
        var usable = reachable.Where(d => DriveArbiter.IsUsable(d) && !excluded.Contains(d.Metadata.Name!)).ToList();
        if (usable.Count < need)
        {
            Wait(status, DrivesUnavailable, $"{usable.Count} of {demand.Description} reachable from node {node} are online and healthy; {need} needed", false, failover, owner);
            return;
        }

        if (cluster.RunningOn(node) >= cluster.Settings.MaxStreamsPerNode)
        {
            Wait(status, NodeBusy, $"node {node} already runs {cluster.Settings.MaxStreamsPerNode} streams", false, failover, owner);
            return;
        }

        if (!frame.RunHasRoomOn(node))
        {
            Wait(status, NodeBusy, $"node {node} already runs {frame.RunRunningOn(node)} stream(s) of this run; maxConcurrentPerNode is {frame.MaxConcurrentPerNode}", false, failover, owner);
            return;
        }

        var free = usable.Where(d => DriveArbiter.IsFreeFor(d, Job)).ToList();
        if (free.Count < need)
        {
            Wait(status, WaitingForDrive, $"waiting for {need} free drive(s) of {demand.Description} reachable from node {node}", false, failover, owner);
            return;
        }

        // Drives this job already holds come first, so that a failover keeps the healthy members of its set.
        var mine = free.Where(d => DriveArbiter.IsHeldBy(d, Job)).Select(d => d.Metadata.Name!).ToHashSet(StringComparer.Ordinal);
        var preference = free.Select(d => d.Metadata.Name!)
            .OrderBy(n => mine.Contains(n) ? 0 : 1)
            .ThenBy(n => n, StringComparer.Ordinal)
            .ToList();
        // Drives this job holds but does not keep (a failover releases them in this same decision) are free to the
        // jobs ranked above it, as they will be on the next decision, unless this decision marks them Failed: the plan
        // must be the one the next decision would make, or deciding again would undo it.
        var failing = driveWrites.OfType<MarkDriveFailed>().Select(a => a.Drive).ToHashSet(StringComparer.Ordinal);
        var unheld = cluster.Drives
            .Where(d => DriveArbiter.IsUsable(d) && !failing.Contains(d.Metadata.Name!))
            .Where(d => d.Status?.Holder is null || (DriveArbiter.IsHeldBy(d, Job) && !mine.Contains(d.Metadata.Name!)))
            .Select(d => d.Metadata.Name!)
            .ToHashSet(StringComparer.Ordinal);
        var key = DriveArbiter.PlanKey(Job);
        IReadOnlyList<string>? chosen = null;

        // The whole set at once or nothing: a replacement for a lost member when one is free, else the set without it.
        foreach (var width in want > need ? [want, need] : new[] { need })
        {
            var me = new QueuedJob(Job, frame.Priority, frame.Created, node, preference, width);
            var queue = cluster.Queue.Where(q => !(q.Job.Kind == Job.Kind && q.Job.Key == Job.Key)).Append(me);
            var plan = DriveArbiter.Plan(queue, unheld, new Dictionary<string, IReadOnlySet<string>> { [key] = mine }, cluster, key);
            if (plan.TryGetValue(key, out chosen))
            {
                break;
            }
        }

        if (chosen is null)
        {
            Wait(status, WaitingForDrive, $"waiting for {need} free drive(s) of {demand.Description} reachable from node {node}; jobs of higher priority or age go first", false, failover, owner);
            return;
        }

        Assign(status, owner, chosen, failover);
    }

    private void StartMounter(BackupJobStatus status, FailoverContext? failover)
    {
        if (frame.MounterPod is { } existing)
        {
            var where = existing.Spec.NodeName;
            Wait(status, MounterPodStarting, $"mounter pod {existing.Metadata.Name} on node {where} is starting", false, failover, frame.Owner);
            return;
        }

        // A node that can run a stream now and reaches enough free drives; the least loaded first.
        var demand = frame.Demand;
        var node = cluster.Nodes
            .Where(n => frame.MounterNode is null || n.Metadata.Name == frame.MounterNode)
            .Where(n => NodeHealth.IsHealthy(cluster, n.Metadata.Name!) && cluster.RunningOn(n.Metadata.Name!) < cluster.Settings.MaxStreamsPerNode && frame.RunHasRoomOn(n.Metadata.Name!))
            .Where(n => demand.Candidates.Select(cluster.FindDrive).Count(d => d is not null && DriveArbiter.IsUsable(d) && DriveArbiter.IsFreeFor(d, Job) && DriveArbiter.Reaches(d, n)) >= demand.Count)
            .OrderBy(n => cluster.RunningOn(n.Metadata.Name!))
            .ThenBy(n => n.Metadata.Name, StringComparer.Ordinal)
            .Select(n => n.Metadata.Name!)
            .FirstOrDefault();
        if (node is null)
        {
            Wait(status, NoNodeForMounter, frame.MounterNode is { } named
                ? $"{frame.Owner.WaitMessage}; node {named} (spec.placement.nodeName) is not healthy, runs {cluster.Settings.MaxStreamsPerNode} streams, or does not reach {demand.Count} free drive(s) of {demand.Description}"
                : $"{frame.Owner.WaitMessage}; no healthy node reaches {demand.Count} free drive(s) of {demand.Description} to mount it on", false, failover, frame.Owner);
            return;
        }

        var pod = frame.NewMounterPod!(node);
        after.Add(new CreateMounterPod(Job, pod));
        Wait(status, MounterPodStarting, $"mounter pod {pod.Metadata.Name} on node {node} is starting", false, failover, frame.Owner);
    }

    private void Assign(BackupJobStatus status, OwnerResolution owner, IReadOnlyList<string> chosen, FailoverContext? failover)
    {
        var node = owner.Node!;

        // A restore reads the backup's segments from one node: a resume onto drives that no node reaches together with
        // the drives of the earlier segments would finish a backup nobody can restore, so it starts over instead.
        (string Reason, string Message)? startedOver = null;
        if (frame.WritesToDrives
            && frame.Demand.Mode == RedundancyMode.None
            && (failover is not null ? failover.ResumeFrom : status.ResumeFrom) is not null
            && UnreachableTogether(status, chosen) is { } apart)
        {
            startedOver = (CheckpointUnusable, $"no node reaches drive(s) {string.Join(", ", chosen)} of node {node} together with {apart}, which hold the backup's earlier segments; started over");
            status = status with { ResumeFrom = null, BackupId = $"{frame.BackupIdBase}-{status.Epoch + 1}", Segment = null };
            failover = failover is null ? null : failover with { ResumeFrom = null, ProgressReason = startedOver.Value.Reason, ProgressMessage = startedOver.Value.Message };
        }

        var epoch = status.Epoch + 1;
        var segment = status.Segment is { } s ? s + 1 : 0;
        var now = Now;

        // A set short of its width leaves its lost members' indices empty (degraded); a full one fills them with replacements.
        var redundant = frame.Demand.Mode != RedundancyMode.None;
        var width = redundant ? frame.Demand.Count : chosen.Count;
        var open = redundant ? OpenRanges(status) : [];
        var replacing = open.Count > 0 && chosen.Count == width;
        var absent = replacing ? new HashSet<int>() : open.Select(r => r.Member).ToHashSet();
        var slots = Enumerable.Range(0, width).Where(i => !absent.Contains(i)).ToList();

        // Members keep their index across a failover; new drives take the free indices in name order.
        var members = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in chosen)
        {
            var drive = cluster.FindDrive(name)!;
            if (DriveArbiter.IsHeldBy(drive, Job) && slots.Contains(drive.Status!.Holder!.Member) && !members.ContainsValue(drive.Status.Holder.Member))
            {
                members[name] = drive.Status.Holder.Member;
            }
        }

        var freeIndices = new Queue<int>(slots.Where(i => !members.ContainsValue(i)));
        foreach (var name in chosen.Order(StringComparer.Ordinal))
        {
            if (!members.ContainsKey(name))
            {
                members[name] = freeIndices.Dequeue();
            }
        }

        EnsureFinalizer();
        if (frame.NodeLabel != node)
        {
            metadata.Add(new SetNodeLabel(Job, node, frame.ResourceVersion));
        }

        foreach (var name in chosen.Order(StringComparer.Ordinal))
        {
            var drive = cluster.FindDrive(name)!;
            var holder = new DriveHolder
            {
                Job = Job.Key,
                Kind = Job.Kind,
                JobUid = Job.Uid,
                Epoch = epoch,
                Node = node,
                Member = members[name],
                Since = now,
                RenewTime = now,
            };
            var existing = drive.Status?.PendingOperation;
            var operation = !frame.WritesToDrives ? existing
                : existing is null || (existing.Job == Job.Key && existing.Epoch == epoch)
                ? AppendOperation(node, epoch, status.BackupId, segment)
                : new PendingDriveOperation
                {
                    Operation = "Recover",
                    Job = Job.Key,
                    Epoch = epoch,
                    Node = node,
                    BackupId = existing.BackupId,
                    Segment = existing.Segment,
                    StartTime = now,
                };
            var current = drive.Status?.Holder;
            var same = current is not null && DriveArbiter.IsHolder(current, Job) && current.Epoch == epoch && current.Node == node && current.Member == holder.Member
                && (!frame.WritesToDrives || (existing is not null && existing.Job == Job.Key && existing.Epoch == epoch));
            if (!same)
            {
                driveWrites.Add(new ClaimDrive(name, holder, operation, drive.Metadata.ResourceVersion));
            }
        }

        foreach (var drive in Held())
        {
            if (!chosen.Contains(drive.Metadata.Name!))
            {
                driveWrites.Add(new ReleaseDrive(drive.Metadata.Name!, Job, 0, false, drive.Metadata.ResourceVersion));
            }
        }

        var resume = failover is not null ? failover.ResumeFrom : status.ResumeFrom;
        var previous = status.Attempts?.LastOrDefault();
        var resent = previous?.EndTime is not null ? Math.Max(0, previous.BytesDone - (resume?.BytesDone ?? 0)) : 0;
        var restart = resume is not null ? "Checkpoint" : "Fresh";
        var attempt = new Attempt
        {
            Epoch = epoch,
            Node = node,
            Drives = chosen.Order(StringComparer.Ordinal).ToList(),
            StartTime = now,
            Restart = restart,
            BytesResent = resent,
        };
        // A replacement holds its member from the stripe the resume continues at; the lost drive's range ends before it.
        var resumeStripe = resume?.Stripe ?? 0;
        var replaced = replacing ? open.Select(r => r.Member).ToHashSet() : new HashSet<int>();
        var held = members.OrderBy(m => m.Value)
            .Select(m => new HeldDrive { Name = m.Key, Member = m.Value, State = "Active", FromStripe = replaced.Contains(m.Value) ? resumeStripe : PreviousFromStripe(status, m.Key, m.Value) })
            .Concat(open.Where(r => !replacing).Select(r => new HeldDrive { Name = r.Drive ?? "", Member = r.Member, State = "Failed", FromStripe = r.FromStripe }))
            .OrderBy(h => h.Member)
            .ToList();
        var degraded = status.DegradedStripes;
        if (replacing)
        {
            degraded = (status.DegradedStripes ?? [])
                .Select(r => r.ToStripe is null ? r with { ToStripe = resumeStripe - 1 } : r)
                .Where(r => r.ToStripe >= r.FromStripe)
                .ToList();
        }

        var active = held.Where(h => h.State == "Active").ToList();
        var lost = held.Where(h => h.State == "Failed").ToList();
        var setNote = !redundant ? ""
            : replacing ? $"; {string.Join(", ", active.Where(h => replaced.Contains(h.Member)).Select(h => $"{h.Name} replaces member {h.Member} from stripe {resumeStripe}"))}"
            : lost.Count > 0 ? $"; degraded without member(s) {string.Join(", ", lost.Select(h => $"{h.Member} ({h.Name})"))}"
            : "";
        var progressReason = failover?.ProgressReason ?? startedOver?.Reason ?? (resume is not null ? "Resumed" : Running);
        var message = (failover?.ProgressMessage ?? startedOver?.Message) is { } fm
            ? $"running on node {node} with drive(s) {string.Join(", ", active.Select(h => h.Name))} at epoch {epoch}{setNote}; {fm}"
            : $"running on node {node} with drive(s) {string.Join(", ", active.Select(h => h.Name))} at epoch {epoch}{setNote}";
        newStatus = status with
        {
            Phase = BackupPhase.Running,
            Epoch = epoch,
            Node = node,
            Drives = held,
            DriveSummary = Summary(held),
            DegradedStripes = degraded,
            Segment = segment,
            ResumeFrom = resume,
            Checkpoint = null,
            Report = null,
            Attempts = (status.Attempts ?? []).Append(attempt).ToList(),
            StartTime = status.StartTime ?? now,
            Volume = Evidence(owner),
            ObservedGeneration = frame.Generation,
            Conditions = JobConditions.Running(status.Conditions, progressReason, message, frame.Generation, cluster.Now),
        };
        var eventReason = failover is not null ? (resume is not null ? "Resumed" : "Restarted") : (resume is not null ? "Resumed" : "Placed");
        var replicaNote = frame.Replica is { Chosen: true } chosenReplica ? $"; {chosenReplica.Reason}" : "";
        Event(RecordEvent.Normal, eventReason, $"Assigned to node {node} with drive(s) {string.Join(", ", active.Select(h => h.Name))} at epoch {epoch}{setNote} ({owner.Resolution} {owner.Pod ?? owner.PersistentVolume}{replicaNote})");
    }

    /// <summary>
    /// The drives of the current backup's earlier attempts (since its last fresh start) that no node reaches together
    /// with <paramref name="chosen"/>, named; null when some node reaches them all.
    /// </summary>
    private string? UnreachableTogether(BackupJobStatus status, IReadOnlyList<string> chosen)
    {
        var attempts = status.Attempts ?? [];
        var start = attempts.Count - 1;
        while (start > 0 && attempts[start].Restart == "Checkpoint")
        {
            start--;
        }

        var earlier = attempts.Skip(Math.Max(0, start)).SelectMany(a => a.Drives ?? []).Except(chosen, StringComparer.Ordinal).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (earlier.Count == 0)
        {
            return null;
        }

        var drives = earlier.Concat(chosen).Select(cluster.FindDrive).ToList();
        if (drives.All(d => d is not null) && cluster.Nodes.Any(n => drives.All(d => DriveArbiter.Reaches(d!, n))))
        {
            return null;
        }

        return string.Join(", ", earlier);
    }

    /// <summary>Ranges of a member still missing: the set runs without it until a replacement takes its place.</summary>
    private static List<DegradedRange> OpenRanges(BackupJobStatus status) => (status.DegradedStripes ?? []).Where(r => r.ToStripe is null).ToList();

    /// <summary>A drive that took a member over keeps the stripe it started at while it stays in that place.</summary>
    private static long? PreviousFromStripe(BackupJobStatus status, string name, int member) =>
        (status.Drives ?? []).FirstOrDefault(h => h.Name == name && h.Member == member)?.FromStripe
        ?? (status.DegradedStripes ?? []).Where(r => r.Member == member && r.Drive != name && r.ToStripe is not null).Select(r => r.ToStripe + 1).Max();

    /// <summary>"td-0,td-1,td-3" or, degraded, "td-0,td-1,td-3,td-2(failed)" for the printer column.</summary>
    private static string Summary(IEnumerable<HeldDrive> held) =>
        string.Join(",", held.Select(h => h.State == "Failed" ? h.Name + "(failed)" : h.Name));

    private PendingDriveOperation AppendOperation(string node, long epoch, string? backupId, int? segment) => new()
    {
        Operation = "Append",
        Job = Job.Key,
        Epoch = epoch,
        Node = node,
        BackupId = backupId,
        Segment = segment,
        StartTime = Now,
    };

    private ResolvedVolume? Evidence(OwnerResolution? owner)
    {
        if (owner is null || (owner.Node is null && owner.PersistentVolume is null))
        {
            return frame.Status.Volume;
        }

        var previous = frame.Status.Volume;
        return new ResolvedVolume
        {
            Namespace = frame.VolumeNamespace,
            PersistentVolumeClaim = frame.VolumeClaim,
            PersistentVolume = owner.PersistentVolume,
            Pod = owner.Pod,
            PodUid = owner.PodUid,
            Node = owner.Node,
            Resolution = owner.Resolution,
            ReplicaRole = frame.Replica is { } replica ? replica.Role : previous?.ReplicaRole,
            ReplicaReason = frame.Replica is { } why ? why.Reason : previous?.ReplicaReason,
        };
    }

    private void Wait(BackupJobStatus status, string reason, string message, bool stalled, FailoverContext? failover, OwnerResolution? owner)
    {
        foreach (var drive in Held())
        {
            driveWrites.Add(new ReleaseDrive(drive.Metadata.Name!, Job, 0, false, drive.Metadata.ResourceVersion));
        }

        EnsureFinalizer();
        if (frame.NodeLabel is not null)
        {
            metadata.Add(new SetNodeLabel(Job, null, frame.ResourceVersion));
        }

        var conditions = JobConditions.Waiting(status.Conditions, reason, message, stalled, frame.Generation, cluster.Now);
        newStatus = status with
        {
            Phase = BackupPhase.Waiting,
            Epoch = failover is not null ? status.Epoch + 1 : status.Epoch,
            Node = null,
            Drives = null,
            DriveSummary = null,
            Volume = Evidence(owner),
            ObservedGeneration = frame.Generation,
            Conditions = conditions,
        };
        var before = JobConditions.Find(frame.Status.Conditions, JobConditions.Ready);
        if (failover is not null || before?.Reason != reason || before.Status != ConditionStatus.False)
        {
            Event(stalled ? RecordEvent.Warning : RecordEvent.Normal, reason, message);
        }

        // Stateless backoff: the longer the job has waited for the same reason, the longer the next look is put off.
        var since = JobConditions.Find(conditions, JobConditions.Ready)?.LastTransitionTime ?? cluster.Now;
        var waited = cluster.Now - since;
        var delay = waited / 2;
        var settings = cluster.Settings;
        // A job queued for a drive or a stream slot is woken by the release that frees it; the timer is only a safety net.
        var floor = reason is WaitingForDrive or NodeBusy ? settings.QueuedRecheck : settings.MinBackoff;
        floor = floor > settings.MaxBackoff ? settings.MaxBackoff : floor;
        delay = delay < floor ? floor : delay > settings.MaxBackoff ? settings.MaxBackoff : delay;
        after.Add(new RequeueAfter(delay));
    }
}
