using System.Globalization;
using Spool.Api;
using Spool.Api.V1Alpha1;
using Spool.Operator.Scheduling;

namespace Spool.Operator.Decisions;

/// <summary>
/// Decides a federated BackupJob (spec.source.selector). The run fans out into one child BackupJob per volume, so
/// that each volume gets the whole single-volume machinery (placement on its owner node, drive claims, failover,
/// fencing, checkpoints); the parent only plans, releases, mirrors and verifies:
/// <list type="number">
/// <item>Plan: the selector's volumes as the cluster shows them now, ranked by <see cref="FederatedOrder"/>, become
/// <c>status.volumes[]</c>.</item>
/// <item>Pass: tasks are released in order, at most spec.maxConcurrentPerNode unfinished children per node. A
/// volume whose workload moved before its task was released follows it if the new node's pass is still going; if
/// that node's pass has ended, the task is left for the end-of-run check (the move is exactly what the check is
/// for). A child that already runs follows its volume by itself (failover VolumeMoved).</item>
/// <item>Verify: once nothing runs and nothing more can be released, the expected set is recomputed from the
/// selector and the current cluster and compared with the captured set (children that succeeded). Missed volumes
/// are backed up once more, on their current owner node, by recovery children.</item>
/// <item>Finish: Succeeded when every expected volume was captured or recovered; otherwise PartiallySucceeded
/// (spec.allowPartialSuccess) or Failed, naming the missed volumes.</item>
/// </list>
/// Pure: the same observation gives the same actions. The status write carries the parent's resourceVersion and
/// comes before the creates, and child names are deterministic, so a lost or repeated decision creates nothing twice.
/// </summary>
public static class FederatedBackupDecider
{
    public const string NoVolumesSelected = "NoVolumesSelected";
    public const string FanningOut = "FanningOut";
    public const string Verifying = "Verifying";
    public const string AllVolumesCaptured = "AllVolumesCaptured";
    public const string VolumesMissed = "VolumesMissed";

    /// <summary>Annotation on a child job: the parent's namespace/name.</summary>
    public const string ParentAnnotation = "spool.dev/parent";

    /// <summary>Annotation on a child job: the parent's uid, by which the parent finds its children.</summary>
    public const string ParentUidAnnotation = "spool.dev/parent-uid";

    /// <summary>Safety-net look while a run is under way; child changes and pod or claim events wake it sooner.</summary>
    public static readonly TimeSpan Recheck = TimeSpan.FromSeconds(5);

    public static IReadOnlyList<OperatorAction> Decide(FederatedBackupObservation observation)
    {
        var job = observation.Job;
        var cluster = observation.Cluster;
        var status = job.Status ?? new BackupJobStatus();
        var actions = new List<OperatorAction>();
        if (job.Metadata.DeletionTimestamp is not null || IsTerminal(status.Phase))
        {
            return actions;
        }

        var jobRef = BackupJobDecider.RefOf(job);
        var regarding = new ObjectReference { ApiVersion = job.ApiVersion ?? SpoolGroup.ApiVersion, Kind = BackupJob.KindValue, Namespace = jobRef.Namespace, Name = jobRef.Name, Uid = jobRef.Uid };
        var generation = job.Metadata.Generation ?? 1;
        var now = JobConditions.Truncate(cluster.Now);

        if (BackupJobDecider.Validate(job, observation.EncryptionSecret, cluster.Settings) is { } problem)
        {
            var waiting = status with
            {
                Phase = BackupPhase.Waiting,
                ObservedGeneration = generation,
                Conditions = JobConditions.Waiting(status.Conditions, problem.Reason, problem.Message, problem.Stalled, generation, now),
            };
            Write(actions, job, waiting);
            if (JobConditions.Find(status.Conditions, JobConditions.Ready)?.Reason != problem.Reason)
            {
                actions.Add(new RecordEvent(regarding, RecordEvent.Warning, problem.Reason, problem.Message));
            }

            var since = JobConditions.Find(waiting.Conditions, JobConditions.Ready)?.LastTransitionTime ?? now;
            var delay = (cluster.Now - since) / 2;
            var settings = cluster.Settings;
            actions.Add(new RequeueAfter(delay < settings.MinBackoff ? settings.MinBackoff : delay > settings.MaxBackoff ? settings.MaxBackoff : delay));
            return actions;
        }

        var tasks = (status.Volumes ?? []).ToList();
        var preferred = tasks.GroupBy(t => Key(t), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Node, StringComparer.Ordinal);
        var selected = FederatedSelection.Select(observation, preferred);
        var byKey = selected.ToDictionary(v => v.Key, StringComparer.Ordinal);
        var verification = status.Verification;
        var startTime = status.StartTime;

        // 1. Plan.
        if (tasks.Count == 0 && verification is null)
        {
            if (selected.Count == 0)
            {
                var message = $"the selector matches no claim in {(job.Spec.Source.AllNamespaces ? "any namespace" : "namespace " + jobRef.Namespace)}";
                Write(actions, job, status with
                {
                    Phase = BackupPhase.Failed,
                    ObservedGeneration = generation,
                    Conditions = JobConditions.Finished(status.Conditions, false, NoVolumesSelected, message, generation, now),
                    Volumes = [],
                    CompletionTime = now,
                });
                actions.Add(new RecordEvent(regarding, RecordEvent.Warning, NoVolumesSelected, message));
                return actions;
            }

            tasks = FederatedOrder.Sort(selected, observation.NodeFailures)
                .Select((v, i) => new VolumeTask { Namespace = v.Namespace, PersistentVolumeClaim = v.Claim, Workload = v.Workload, Node = v.Owner.Node, Order = i })
                .ToList();
            startTime ??= now;
            var nodes = tasks.Where(t => t.Node is not null).Select(t => t.Node).Distinct(StringComparer.Ordinal).Count();
            actions.Add(new RecordEvent(regarding, RecordEvent.Normal, FanningOut, $"{tasks.Count} volumes over {nodes} nodes, at most {job.Spec.MaxConcurrentPerNode} at a time per node"));
        }

        // 2. Mirror the children.
        var children = observation.Children
            .Where(c => c.Metadata.Name is not null)
            .GroupBy(c => c.Metadata.Namespace + "/" + c.Metadata.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        for (var i = 0; i < tasks.Count; i++)
        {
            if (tasks[i].Job is { } name && children.TryGetValue(tasks[i].Namespace + "/" + name, out var child))
            {
                tasks[i] = Mirror(tasks[i], child);
            }
        }

        var creates = new List<BackupJob>();
        foreach (var task in tasks)
        {
            if (task.Job is { } name && !IsTerminal(task.Phase) && !children.ContainsKey(task.Namespace + "/" + name))
            {
                // Released, but the child is not (yet) visible: create it again; AlreadyExists is success.
                creates.Add(Child(job, task, name));
            }
        }

        // 3. Release; 4. verify when the pass is over; 5. finish when the recovery is over.
        var verifying = verification is not null;
        var released = Release(job, tasks, byKey, verifying ? verification!.Missed.ToHashSet(StringComparer.Ordinal) : null, creates);
        var phase = verifying ? BackupPhase.Verifying : BackupPhase.Running;
        if (!verifying && released == 0 && !tasks.Any(IsActive))
        {
            var captured = tasks.Where(t => t.Phase == BackupPhase.Succeeded).Select(Key).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var expected = selected.Select(v => v.Key).Order(StringComparer.Ordinal).ToList();
            var missed = expected.Except(captured, StringComparer.Ordinal).ToList();
            var known = tasks.Select(Key).ToHashSet(StringComparer.Ordinal);
            var next = tasks.Count == 0 ? 0 : tasks.Max(t => t.Order) + 1;
            foreach (var volume in FederatedOrder.Sort(missed.Where(k => !known.Contains(k)).Select(k => byKey[k]), observation.NodeFailures))
            {
                tasks.Add(new VolumeTask { Namespace = volume.Namespace, PersistentVolumeClaim = volume.Claim, Workload = volume.Workload, Node = volume.Owner.Node, Order = next++ });
            }

            var missedSet = missed.ToHashSet(StringComparer.Ordinal);
            for (var i = 0; i < tasks.Count; i++)
            {
                if (missedSet.Contains(Key(tasks[i])))
                {
                    tasks[i] = Reset(tasks[i]) with { Job = null, Phase = null, Message = null };
                }
            }

            verification = new VerificationResult { Expected = expected, Captured = captured, Missed = missed, Recovered = [], Time = now };
            verifying = true;
            phase = BackupPhase.Verifying;
            actions.Add(new RecordEvent(regarding, missed.Count == 0 ? RecordEvent.Normal : RecordEvent.Warning, Verifying,
                missed.Count == 0
                    ? $"all {expected.Count} expected volumes were captured"
                    : $"{missed.Count} of {expected.Count} expected volumes were not captured, backing them up on their current nodes: {string.Join(", ", missed)}"));
            released = Release(job, tasks, byKey, missedSet, creates);
        }

        if (verifying)
        {
            var missedSet = verification!.Missed.ToHashSet(StringComparer.Ordinal);
            for (var i = 0; i < tasks.Count; i++)
            {
                if (missedSet.Contains(Key(tasks[i])) && tasks[i].Phase == BackupPhase.Succeeded && tasks[i].Job is not null)
                {
                    tasks[i] = tasks[i] with { Recovered = true };
                }
            }

            var recovered = tasks.Where(t => t.Recovered).Select(Key).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            verification = verification with { Recovered = recovered };
        }

        var next2 = status with
        {
            Phase = phase,
            ObservedGeneration = generation,
            Volumes = tasks,
            Verification = verification,
            StartTime = startTime,
            Progress = Progress(tasks, status.Progress),
        };

        if (verifying && released == 0 && !tasks.Any(IsActive))
        {
            var missedNow = verification!.Missed.Except(verification.Recovered, StringComparer.Ordinal).ToList();
            var (finalPhase, reason, message) = missedNow.Count == 0
                ? (BackupPhase.Succeeded, AllVolumesCaptured, $"all {verification.Expected.Count} expected volumes captured" + (verification.Recovered.Count > 0 ? $", {verification.Recovered.Count} of them by the end-of-run check" : ""))
                : (job.Spec.AllowPartialSuccess ? BackupPhase.PartiallySucceeded : BackupPhase.Failed, VolumesMissed, $"{missedNow.Count} of {verification.Expected.Count} expected volumes were not captured: {string.Join(", ", missedNow)}");
            next2 = next2 with
            {
                Phase = finalPhase,
                Conditions = JobConditions.Finished(status.Conditions, finalPhase != BackupPhase.Failed, reason, message, generation, now),
                CompletionTime = now,
            };
            actions.Add(new RecordEvent(regarding, finalPhase == BackupPhase.Succeeded ? RecordEvent.Normal : RecordEvent.Warning, reason, message));
        }
        else
        {
            next2 = next2 with { Conditions = JobConditions.Running(status.Conditions, verifying ? Verifying : FanningOut, Summary(tasks, verifying), generation, now) };
            actions.Add(new RequeueAfter(Recheck));
        }

        // The status first: if it conflicts, nothing is created on the strength of a stale plan.
        var write = new List<OperatorAction>();
        Write(write, job, next2);
        write.AddRange(creates.Select(c => new CreateBackupJob(c)));
        write.AddRange(actions);
        return write;
    }

    /// <summary>
    /// Releases unreleased tasks in order. In the pass (<paramref name="missed"/> null) a task whose volume moved
    /// follows it only into a node whose pass is still going; in the verification only missed volumes are released.
    /// </summary>
    private static int Release(BackupJob job, List<VolumeTask> tasks, IReadOnlyDictionary<string, SelectedVolume> byKey, IReadOnlySet<string>? missed, List<BackupJob> creates)
    {
        var limit = Math.Max(1, job.Spec.MaxConcurrentPerNode);
        var active = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var task in tasks.Where(IsActive))
        {
            active[task.Node ?? ""] = active.GetValueOrDefault(task.Node ?? "") + 1;
        }

        var released = 0;
        foreach (var i in Enumerable.Range(0, tasks.Count).OrderBy(i => tasks[i].Order))
        {
            var task = tasks[i];
            var key = Key(task);
            if (task.Job is not null || (missed is not null && !missed.Contains(key)))
            {
                continue;
            }

            if (!byKey.TryGetValue(key, out var volume))
            {
                tasks[i] = task with { Message = "the selector no longer matches the claim" };
                continue;
            }

            var node = volume.Owner.Node;
            if (node is null)
            {
                if (!job.Spec.MountWhenIdle || !volume.Owner.NeedsMounter)
                {
                    // The task keeps the node it was last seen on: a pod that is recreated there (a restart, an
                    // eviction that lands on the same node) has not moved, and a real move is named from where it left.
                    tasks[i] = task with { Message = volume.Owner.WaitMessage };
                    continue;
                }
            }
            else if (missed is null && node != task.Node && !PassGoingOn(tasks, byKey, node, i))
            {
                tasks[i] = task with { Message = $"moved from {task.Node ?? "no node"} to {node} after the pass over {node} ended; the end-of-run check backs it up" };
                continue;
            }

            if (active.GetValueOrDefault(node ?? "") >= limit && node is not null)
            {
                tasks[i] = task with { Node = node, Message = $"waiting for earlier volumes of the run on node {node}" };
                continue;
            }

            var name = ChildName(job.Metadata.Name ?? "", task.Order, task.PersistentVolumeClaim, missed is not null);
            tasks[i] = Reset(task) with { Job = name, Node = node, Phase = BackupPhase.Pending, Message = null, Workload = volume.Workload ?? task.Workload };
            creates.Add(Child(job, tasks[i], name));
            active[node ?? ""] = active.GetValueOrDefault(node ?? "") + 1;
            released++;
        }

        return released;
    }

    /// <summary>The run still has work on <paramref name="node"/>: a child there that has not finished, or a task waiting to be released there.</summary>
    private static bool PassGoingOn(List<VolumeTask> tasks, IReadOnlyDictionary<string, SelectedVolume> byKey, string node, int except)
    {
        for (var j = 0; j < tasks.Count; j++)
        {
            var t = tasks[j];
            if (j == except || t.Node != node)
            {
                continue;
            }

            if (IsActive(t))
            {
                return true;
            }

            if (t.Job is null && t.Phase is null && byKey.TryGetValue(Key(t), out var v) && v.Owner.Node == node)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The child of a task: the parent's spec for one claim. Same-namespace children are owned by the parent (garbage-collected with it).</summary>
    public static BackupJob Child(BackupJob parent, VolumeTask task, string name)
    {
        var ns = parent.Metadata.Namespace ?? "default";
        var source = parent.Spec.Source;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal) { [SpoolGroup.ParentLabel] = Trim(parent.Metadata.Name ?? "", 63) };
        if (parent.Metadata.Labels?.GetValueOrDefault(BackupScheduleLabels.Schedule) is { } schedule)
        {
            // Retention of the schedule applies to the run's backups; the schedule counts only jobs it owns itself.
            labels[BackupScheduleLabels.Schedule] = schedule;
        }

        return new BackupJob
        {
            Metadata = new ObjectMeta
            {
                Name = name,
                Namespace = task.Namespace,
                Labels = labels,
                Annotations = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    [ParentAnnotation] = ns + "/" + parent.Metadata.Name,
                    [ParentUidAnnotation] = parent.Metadata.Uid ?? "",
                },
                OwnerReferences = task.Namespace == ns && parent.Metadata.Uid is { } uid
                    ? [new OwnerReference { ApiVersion = parent.ApiVersion ?? SpoolGroup.ApiVersion, Kind = BackupJob.KindValue, Name = parent.Metadata.Name ?? "", Uid = uid, Controller = true, BlockOwnerDeletion = true }]
                    : null,
            },
            Spec = parent.Spec with
            {
                Source = new BackupSource { PersistentVolumeClaim = task.PersistentVolumeClaim, Snapshot = source.Snapshot, Hooks = source.Hooks, Replica = source.Replica },
                MaxConcurrentPerNode = 1,
                AllowPartialSuccess = false,
            },
        };
    }

    /// <summary>
    /// parent-NNN-claim (recovery children: parent-NNNv-claim), at most 63 characters: the order in the name makes the
    /// drive arbiter's last tie-break (by name) follow the run's order among children created in the same second.
    /// </summary>
    public static string ChildName(string parent, int order, string claim, bool recovery)
    {
        var middle = order.ToString("D3", CultureInfo.InvariantCulture) + (recovery ? "v" : "");
        var head = Trim(parent, 30);
        var room = 63 - head.Length - middle.Length - 2;
        var tail = Trim(claim, room);
        return tail.Length == 0 ? $"{head}-{middle}" : $"{head}-{middle}-{tail}";
    }

    public static string Key(VolumeTask task) => task.Namespace + "/" + task.PersistentVolumeClaim;

    public static bool IsTerminal(BackupPhase? phase) => phase is BackupPhase.Succeeded or BackupPhase.Failed or BackupPhase.PartiallySucceeded;

    /// <summary>Released and not finished: it holds one of its node's slots.</summary>
    public static bool IsActive(VolumeTask task) => task.Job is not null && !IsTerminal(task.Phase);

    private static VolumeTask Mirror(VolumeTask task, BackupJob child)
    {
        var s = child.Status;
        var phase = s?.Phase ?? BackupPhase.Pending;
        return task with
        {
            Phase = phase,
            Node = s?.Node ?? s?.Volume?.Node ?? task.Node,
            Drive = s?.DriveSummary ?? task.Drive,
            BytesDone = s?.Progress?.BytesDone ?? task.BytesDone,
            BytesTotal = s?.Progress?.BytesTotal ?? task.BytesTotal,
            CheckpointSequence = s?.Checkpoint?.Sequence ?? task.CheckpointSequence,
            Attempts = s?.Attempts?.Count ?? task.Attempts,
            BackupId = s?.Catalog?.BackupId ?? s?.BackupId ?? task.BackupId,
            CompletionTime = s?.CompletionTime ?? task.CompletionTime,
            Message = phase is BackupPhase.Pending or BackupPhase.Waiting or BackupPhase.Failed
                ? JobConditions.Find(s?.Conditions, JobConditions.Ready)?.Message
                : null,
        };
    }

    private static VolumeTask Reset(VolumeTask task) => task with
    {
        Drive = null,
        BytesDone = 0,
        BytesTotal = null,
        CheckpointSequence = null,
        Attempts = 0,
        BackupId = null,
        CompletionTime = null,
        Recovered = false,
    };

    private static JobProgress? Progress(IReadOnlyList<VolumeTask> tasks, JobProgress? previous)
    {
        var done = tasks.Sum(t => t.BytesDone);
        long? total = tasks.All(t => t.BytesTotal is not null) ? tasks.Sum(t => t.BytesTotal!.Value) : null;
        if (done == 0 && total is null && previous is null)
        {
            return null;
        }

        string? percent = null;
        if (total is { } all)
        {
            percent = all <= 0 || done >= all ? "100%" : Math.Min(99, (int)(done * 100 / all)).ToString(CultureInfo.InvariantCulture) + "%";
        }

        var finished = tasks.Count(t => IsTerminal(t.Phase));
        return new JobProgress { BytesDone = done, BytesTotal = total, Percent = percent, Size = $"{finished}/{tasks.Count} volumes" };
    }

    private static string Summary(IReadOnlyList<VolumeTask> tasks, bool verifying)
    {
        var succeeded = tasks.Count(t => t.Phase == BackupPhase.Succeeded);
        var running = tasks.Count(IsActive);
        var failed = tasks.Count(t => t.Phase == BackupPhase.Failed);
        var waiting = tasks.Count(t => t.Job is null);
        return string.Create(CultureInfo.InvariantCulture, $"{(verifying ? "end-of-run check: " : "")}{succeeded} of {tasks.Count} volumes captured, {running} in progress, {waiting} not started, {failed} failed");
    }

    private static void Write(List<OperatorAction> actions, BackupJob job, BackupJobStatus next)
    {
        if (!StatusJson.Same(next, job.Status))
        {
            actions.Add(new UpdateBackupJobStatus(BackupJobDecider.RefOf(job), next, job.Metadata.ResourceVersion));
        }
    }

    private static string Trim(string text, int max)
    {
        var cut = text.Length <= max ? text : text[..Math.Max(0, max)];
        return cut.TrimEnd('-', '.');
    }
}
