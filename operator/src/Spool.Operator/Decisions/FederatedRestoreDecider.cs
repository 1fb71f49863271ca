using System.Globalization;
using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;

namespace Spool.Operator.Decisions;

/// <summary>
/// Decides a federated RestoreJob: one whose <c>spec.source.backupJob</c> names a federated BackupJob. Like the run it
/// restores, it fans out into child jobs, here one plain RestoreJob per workload, so that each restore gets the whole
/// single-volume machinery (placement, drive claims, failover, fencing, checkpoints); the parent plans, releases,
/// mirrors and guards:
/// <list type="number">
/// <item>Plan: the run's volumes (all, or those <c>spec.source.volumes</c> names by claim, namespace/claim or workload),
/// in the run's order, become <c>status.workloads[]</c>. A volume the run did not capture is named as failed at once.</item>
/// <item>Release, one workload at a time: the child restores into the workload's own claim where a pod of the workload
/// runs now; a workload that runs nowhere is restored through a mounter pod on spec.placement.nodeName, else on the
/// node of its backup (when healthy), else on any node that reaches the drives. With placement mode Node every
/// workload is restored on that node.</item>
/// <item>Guard: a workload that runs on another node than the one its restore writes on (before release, or later while
/// the restore mounts the claim itself) is waited for or refused per spec.activeWorkloadPolicy; a restore already
/// released is stopped (its child deleted) first, so the workload is never active on two nodes. A waiting workload
/// starts again, with a new child, once it runs only where it is restored.</item>
/// <item>A child that waits stalled (its claim is gone, no drive of the backup reaches its node...) is stopped and its
/// workload named as failed, so that it does not hold the workloads after it.</item>
/// <item>Finish: Succeeded when every workload was restored; PartiallySucceeded when some were; else Failed. The
/// workloads not restored are named.</item>
/// </list>
/// Pure, and the status write (with the parent's resourceVersion) comes before the deletes and creates, whose names
/// are deterministic, so a lost or repeated decision neither creates nor stops anything twice.
/// </summary>
public static class FederatedRestoreDecider
{
    public const string VolumesNotInRun = "VolumesNotInRun";
    public const string NoWorkloads = "NoWorkloads";
    public const string RestoringWorkloads = "RestoringWorkloads";
    public const string WorkloadActiveElsewhere = "WorkloadActiveElsewhere";
    public const string ChildStalled = "RestoreStalled";
    public const string AllWorkloadsRestored = "AllWorkloadsRestored";
    public const string WorkloadsNotRestored = "WorkloadsNotRestored";

    /// <summary><c>status.workloads[].workloadState</c>: a pod of the workload runs on the restore's node.</summary>
    public const string StateRunning = "Running";

    /// <summary>No pod of the workload runs; the restore mounts the claim itself.</summary>
    public const string StateNotRunning = "NotRunning";

    /// <summary>The workload runs on another node than the one its restore writes on.</summary>
    public const string StateActiveElsewhere = "ActiveElsewhere";

    /// <summary>The workload's claim does not exist.</summary>
    public const string StateMissing = "Missing";

    /// <summary>Safety-net look while a restore is under way; child changes and pod events wake it sooner.</summary>
    public static readonly TimeSpan Recheck = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A RestoreJob is federated once planned, when it lists volumes, or when the BackupJob it names (<paramref name="named"/>,
    /// looked up in its namespace) is a federated run.
    /// </summary>
    public static bool IsFederated(RestoreJob job, BackupJob? named) =>
        job.Status?.Workloads is not null || job.Spec.Source.Volumes is { Count: > 0 } || named?.Spec.Source.Selector is not null;

    public static IReadOnlyList<OperatorAction> Decide(FederatedRestoreObservation observation)
    {
        var job = observation.Job;
        var cluster = observation.Cluster;
        var status = job.Status ?? new RestoreJobStatus();
        var actions = new List<OperatorAction>();
        if (job.Metadata.DeletionTimestamp is not null || IsTerminal(status.Phase))
        {
            return actions;
        }

        var spec = job.Spec;
        var jobRef = RestoreJobDecider.RefOf(job);
        var regarding = new ObjectReference { ApiVersion = job.ApiVersion ?? SpoolGroup.ApiVersion, Kind = RestoreJob.KindValue, Namespace = jobRef.Namespace, Name = jobRef.Name, Uid = jobRef.Uid };
        var generation = job.Metadata.Generation ?? 1;
        var now = JobConditions.Truncate(cluster.Now);
        var runName = spec.Source.BackupJob;

        var invalid = runName is null ? "a federated restore names its run in spec.source.backupJob"
            : spec.Target is not null ? "a federated restore writes each workload's own claim; spec.target must be empty"
            : spec.Placement is { Mode: RestorePlacementMode.Node, NodeName: null or "" } ? "spec.placement.nodeName is required with mode Node"
            : null;
        if (invalid is not null)
        {
            return Waiting(job, status, BackupJobDecider.InvalidSpec, invalid, true, regarding, generation, now);
        }

        var workloads = status.Workloads?.ToList();
        var startTime = status.StartTime;
        var events = new List<OperatorAction>();
        if (workloads is null)
        {
            var run = observation.Run;
            if (run is null)
            {
                return Waiting(job, status, RestoreJobDecider.BackupNotFound, $"BackupJob {runName} does not exist", true, regarding, generation, now);
            }

            if (run.Spec.Source.Selector is null)
            {
                return Waiting(job, status, BackupJobDecider.InvalidSpec, $"spec.source.volumes needs a federated BackupJob; {runName} backs up one claim", true, regarding, generation, now);
            }

            if (!FederatedBackupDecider.IsTerminal(run.Status?.Phase))
            {
                return Waiting(job, status, RestoreJobDecider.BackupNotComplete, $"BackupJob {runName} has not finished (phase {run.Status?.Phase?.ToString() ?? "none"})", false, regarding, generation, now);
            }

            var tasks = (run.Status!.Volumes ?? [])
                .OrderBy(t => t.Order)
                .GroupBy(FederatedBackupDecider.Key, StringComparer.Ordinal)
                .Select(g => g.First())
                .ToList();
            var wanted = spec.Source.Volumes ?? [];
            var unknown = wanted.Where(w => !tasks.Any(t => Matches(t, w))).ToList();
            var selected = wanted.Count == 0 ? tasks : tasks.Where(t => wanted.Any(w => Matches(t, w))).ToList();
            if (unknown.Count > 0 || selected.Count == 0)
            {
                var (reason, message) = unknown.Count > 0
                    ? (VolumesNotInRun, $"not a claim, namespace/claim or workload of run {runName}: {string.Join(", ", unknown)}")
                    : (NoWorkloads, $"run {runName} has no volumes");
                var failed = status with
                {
                    Phase = RestorePhase.Failed,
                    ObservedGeneration = generation,
                    Conditions = JobConditions.Finished(status.Conditions, false, reason, message, generation, now),
                    Workloads = [],
                    CompletionTime = now,
                };
                Write(actions, job, failed);
                actions.Add(new RecordEvent(regarding, RecordEvent.Warning, reason, message));
                return actions;
            }

            workloads = selected.Select(t => Plan(t, runName!)).ToList();
            startTime ??= now;
            events.Add(new RecordEvent(regarding, RecordEvent.Normal, RestoringWorkloads, $"{workloads.Count} workloads of run {runName}, one at a time, each where it runs now"));
        }

        // 1. Mirror the children.
        var children = observation.Children
            .Where(c => c.Metadata.Name is not null)
            .GroupBy(c => c.Metadata.Namespace + "/" + c.Metadata.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        for (var i = 0; i < workloads.Count; i++)
        {
            if (workloads[i] is { Job: { } name } w && !IsTerminal(w.Phase) && children.TryGetValue(w.Namespace + "/" + name, out var child))
            {
                workloads[i] = Mirror(w, child);
            }
        }

        var deletes = new List<OperatorAction>();
        var creates = new List<OperatorAction>();

        // 2. Guard the restore under way: a workload that came up on another node than the one the restore mounts it on.
        for (var i = 0; i < workloads.Count; i++)
        {
            var w = workloads[i];
            if (!IsActive(w) || !children.TryGetValue(w.Namespace + "/" + w.Job, out var child))
            {
                continue;
            }

            // A child that cannot go on without a user's action would hold every workload after it: it is stopped and its workload named.
            if (child.Status?.Phase == RestorePhase.Waiting && JobConditions.Find(child.Status.Conditions, JobConditions.Stalled) is { Status: ConditionStatus.True } stalled)
            {
                deletes.Add(new DeleteRestoreJob(child.Metadata.Namespace ?? w.Namespace, child.Metadata.Name!, child.Metadata.Uid, ChildStalled));
                workloads[i] = w with { Phase = RestorePhase.Failed, Message = $"restore {child.Metadata.Name} cannot go on ({stalled.Reason}: {stalled.Message}); it was stopped" };
                events.Add(new RecordEvent(regarding, RecordEvent.Warning, ChildStalled, $"{Describe(w)}: {workloads[i].Message}"));
                continue;
            }

            var via = RestoringNode(spec, child, observation.Pods);
            var elsewhere = via is null ? [] : Locate(observation, w, spec).ActiveNodes.Where(n => n != via).ToList();
            if (elsewhere.Count == 0)
            {
                continue;
            }

            var what = $"{Describe(w)} became active on node {string.Join(", ", elsewhere)} while restored on node {via}";
            deletes.Add(new DeleteRestoreJob(child.Metadata.Namespace ?? w.Namespace, child.Metadata.Name!, child.Metadata.Uid, WorkloadActiveElsewhere));
            workloads[i] = spec.ActiveWorkloadPolicy == ActiveWorkloadPolicy.Refuse
                ? w with { Phase = RestorePhase.Failed, WorkloadState = StateActiveElsewhere, Message = $"refused (activeWorkloadPolicy Refuse): {what}; restore {child.Metadata.Name} was stopped" }
                : w with { Job = null, Phase = RestorePhase.Waiting, WorkloadState = StateActiveElsewhere, BytesDone = 0, BytesTotal = null, Message = $"{what}; restore {child.Metadata.Name} was stopped and starts again where the workload runs" };
            events.Add(new RecordEvent(regarding, RecordEvent.Warning, WorkloadActiveElsewhere, workloads[i].Message!));
        }

        foreach (var w in workloads.Where(IsActive))
        {
            if (!children.ContainsKey(w.Namespace + "/" + w.Job))
            {
                // Released, but the child is not (yet) visible: create it again; AlreadyExists is success.
                creates.Add(new CreateRestoreJob(Child(job, w, w.Job!, ChildNodeName(spec, w))));
            }
        }

        // 3. Release the next workload when none is under way.
        if (!workloads.Any(IsActive))
        {
            for (var i = 0; i < workloads.Count; i++)
            {
                var w = workloads[i];
                if (w.Job is not null || IsTerminal(w.Phase))
                {
                    continue;
                }

                var place = Locate(observation, w, spec);
                if (place.Missing is { } missing)
                {
                    workloads[i] = w with { Phase = RestorePhase.Failed, WorkloadState = StateMissing, Node = null, Message = missing };
                    continue;
                }

                var elsewhere = place.ActiveNodes.Where(n => n != place.Node).ToList();
                if (elsewhere.Count > 0)
                {
                    var what = $"{Describe(w)} is active on node {string.Join(", ", elsewhere)}, not on restore target node {place.Node}";
                    if (spec.ActiveWorkloadPolicy == ActiveWorkloadPolicy.Refuse)
                    {
                        workloads[i] = w with { Phase = RestorePhase.Failed, Node = place.Node, WorkloadState = StateActiveElsewhere, Message = $"refused (activeWorkloadPolicy Refuse): {what}" };
                        events.Add(new RecordEvent(regarding, RecordEvent.Warning, WorkloadActiveElsewhere, workloads[i].Message!));
                        continue;
                    }

                    // Sequential: the workloads after it wait too.
                    workloads[i] = w with { Phase = RestorePhase.Waiting, Node = place.Node, WorkloadState = StateActiveElsewhere, Message = $"waiting (activeWorkloadPolicy Wait): {what}" };
                    break;
                }

                var backup = observation.RunChildren.FirstOrDefault(b => b.Metadata.Namespace == w.Namespace && b.Metadata.Name == w.BackupJob);
                if (backup?.Status is not { Phase: BackupPhase.Succeeded, Catalog: not null })
                {
                    workloads[i] = w with { Phase = RestorePhase.Failed, Message = $"BackupJob {w.Namespace}/{w.BackupJob} of the run {(backup is null ? "no longer exists" : "has no complete backup")}" };
                    continue;
                }

                var name = ChildName(job.Metadata.Name ?? "", i, w.PersistentVolumeClaim, w.Attempts);
                workloads[i] = w with
                {
                    Job = name,
                    Node = place.Node,
                    WorkloadState = place.State,
                    Phase = RestorePhase.Pending,
                    BytesDone = 0,
                    BytesTotal = null,
                    Attempts = w.Attempts + 1,
                    Message = null,
                };
                creates.Add(new CreateRestoreJob(Child(job, workloads[i], name, ChildNodeName(spec, workloads[i]))));
                break;
            }
        }

        // 4. The parent's phase.
        var next = status with
        {
            ObservedGeneration = generation,
            Workloads = workloads,
            StartTime = startTime,
            Progress = Progress(workloads, status.Progress),
        };
        if (workloads.All(w => IsTerminal(w.Phase)))
        {
            var restored = workloads.Count(w => w.Phase == RestorePhase.Succeeded);
            var notRestored = workloads.Where(w => w.Phase != RestorePhase.Succeeded).ToList();
            var someRestored = workloads.Any(w => w.Phase is RestorePhase.Succeeded or RestorePhase.PartiallySucceeded);
            var phase = notRestored.Count == 0 ? RestorePhase.Succeeded : someRestored ? RestorePhase.PartiallySucceeded : RestorePhase.Failed;
            var (reason, message) = notRestored.Count == 0
                ? (AllWorkloadsRestored, $"all {workloads.Count} workloads restored")
                : (WorkloadsNotRestored, $"{restored} of {workloads.Count} workloads restored; not restored: {string.Join("; ", notRestored.Select(w => $"{w.Namespace}/{w.PersistentVolumeClaim} ({w.Phase}: {w.Message ?? "no detail"})"))}");
            next = next with
            {
                Phase = phase,
                Conditions = JobConditions.Finished(status.Conditions, phase != RestorePhase.Failed, reason, message, generation, now),
                CompletionTime = now,
            };
            events.Add(new RecordEvent(regarding, phase == RestorePhase.Succeeded ? RecordEvent.Normal : RecordEvent.Warning, reason, message));
        }
        else if (!workloads.Any(IsActive) && workloads.FirstOrDefault(w => w.Phase == RestorePhase.Waiting && w.Job is null) is { } waiting)
        {
            next = next with
            {
                Phase = RestorePhase.Waiting,
                Conditions = JobConditions.Waiting(status.Conditions, WorkloadActiveElsewhere, waiting.Message ?? Describe(waiting), false, generation, now),
            };
            events.Add(new RequeueAfter(Recheck));
        }
        else
        {
            next = next with
            {
                Phase = RestorePhase.Running,
                Conditions = JobConditions.Running(status.Conditions, RestoringWorkloads, Summary(workloads), generation, now),
            };
            events.Add(new RequeueAfter(Recheck));
        }

        if (JobConditions.Find(status.Conditions, JobConditions.Ready) is { } before && next.Phase == RestorePhase.Waiting
            && (before.Reason != WorkloadActiveElsewhere || before.Status != ConditionStatus.False))
        {
            events.Add(new RecordEvent(regarding, RecordEvent.Normal, WorkloadActiveElsewhere, JobConditions.Find(next.Conditions, JobConditions.Ready)!.Message ?? ""));
        }

        // The status first: if it conflicts, nothing is stopped or created on the strength of a stale plan.
        Write(actions, job, next);
        actions.AddRange(deletes);
        actions.AddRange(creates);
        actions.AddRange(events);
        return actions;
    }

    /// <summary>An entry of spec.source.volumes names a volume by claim, namespace/claim or workload.</summary>
    public static bool Matches(VolumeTask task, string entry) =>
        entry == task.PersistentVolumeClaim || entry == FederatedBackupDecider.Key(task) || (task.Workload is { Length: > 0 } workload && entry == workload);

    public static bool IsTerminal(RestorePhase? phase) => phase is RestorePhase.Succeeded or RestorePhase.Failed or RestorePhase.PartiallySucceeded;

    /// <summary>Released and not finished: the one restore of the run under way.</summary>
    public static bool IsActive(WorkloadRestore workload) => workload.Job is not null && !IsTerminal(workload.Phase);

    /// <summary>
    /// parent-NNN-claim for the first child of the workload at position NNN, parent-NNNrK-claim for the K-th restart, at
    /// most 63 characters.
    /// </summary>
    public static string ChildName(string parent, int index, string claim, int restarts)
    {
        var middle = index.ToString("D3", CultureInfo.InvariantCulture) + (restarts > 0 ? "r" + restarts.ToString(CultureInfo.InvariantCulture) : "");
        var head = Trim(parent, 30);
        var room = 63 - head.Length - middle.Length - 2;
        var tail = Trim(claim, room);
        return tail.Length == 0 ? $"{head}-{middle}" : $"{head}-{middle}-{tail}";
    }

    /// <summary>The child of a workload: the parent's spec for the workload's own claim, from the run's backup of it.</summary>
    public static RestoreJob Child(RestoreJob parent, WorkloadRestore workload, string name, string? nodeName)
    {
        var ns = parent.Metadata.Namespace ?? "default";
        return new RestoreJob
        {
            Metadata = new ObjectMeta
            {
                Name = name,
                Namespace = workload.Namespace,
                Labels = new Dictionary<string, string>(StringComparer.Ordinal) { [SpoolGroup.ParentLabel] = Trim(parent.Metadata.Name ?? "", 63) },
                Annotations = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    [FederatedBackupDecider.ParentAnnotation] = ns + "/" + parent.Metadata.Name,
                    [FederatedBackupDecider.ParentUidAnnotation] = parent.Metadata.Uid ?? "",
                },
                OwnerReferences = workload.Namespace == ns && parent.Metadata.Uid is { } uid
                    ? [new OwnerReference { ApiVersion = parent.ApiVersion ?? SpoolGroup.ApiVersion, Kind = RestoreJob.KindValue, Name = parent.Metadata.Name ?? "", Uid = uid, Controller = true, BlockOwnerDeletion = true }]
                    : null,
            },
            Spec = parent.Spec with
            {
                Source = new RestoreSource { BackupJob = workload.BackupJob },
                Target = new RestoreTarget { PersistentVolumeClaim = workload.PersistentVolumeClaim },
                Placement = new RestorePlacement { Mode = RestorePlacementMode.WhereTargetRuns, NodeName = nodeName },
            },
        };
    }

    /// <summary>Where a workload is now and where its restore goes; <see cref="WorkloadPlace.Missing"/> when its claim does not exist.</summary>
    public static WorkloadPlace Locate(FederatedRestoreObservation observation, WorkloadRestore workload, RestoreJobSpec spec)
    {
        var ns = workload.Namespace;
        var claimName = workload.PersistentVolumeClaim;
        var claim = observation.Claims.FirstOrDefault(c => c.Metadata.Namespace == ns && c.Metadata.Name == claimName && c.Metadata.DeletionTimestamp is null);
        if (claim is null)
        {
            return new WorkloadPlace { Missing = $"PersistentVolumeClaim {ns}/{claimName} does not exist; restore it into a new claim with a single RestoreJob (target.newClaim)" };
        }

        var pods = observation.Pods
            .Where(p => p.Metadata.Namespace == ns
                && p.Metadata.DeletionTimestamp is null
                && p.Status?.Phase is not ("Succeeded" or "Failed")
                && p.Metadata.Labels?.ContainsKey(MounterPods.Label) != true
                && p.Spec.Volumes?.Any(v => v.PersistentVolumeClaim?.ClaimName == claimName) == true)
            .ToList();
        var active = pods
            .Where(p => p.Status?.Phase == "Running" && !string.IsNullOrEmpty(p.Spec.NodeName))
            .Select(p => p.Spec.NodeName!)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        var placement = spec.Placement ?? new RestorePlacement();
        if (placement.Mode == RestorePlacementMode.Node)
        {
            return new WorkloadPlace { Node = placement.NodeName, State = active.Contains(placement.NodeName!) ? StateRunning : StateNotRunning, ActiveNodes = active };
        }

        var volume = claim.Spec.VolumeName is { } pv ? observation.Volumes.FirstOrDefault(v => v.Metadata.Name == pv) : null;
        var owner = OwnerResolver.Resolve(
            new OwnerQuery
            {
                Namespace = ns,
                ClaimName = claimName,
                Claim = claim,
                Volume = volume,
                Pods = pods,
                Attachments = observation.Attachments,
            },
            observation.Cluster);
        if (owner.Resolved)
        {
            return new WorkloadPlace { Node = owner.Node, State = owner.Resolution == "RunningPod" ? StateRunning : StateNotRunning, ActiveNodes = active };
        }

        // Runs nowhere: the named node, else where it was last (its backup's node, or an earlier attempt's), else any.
        var fallback = placement.NodeName is { Length: > 0 } named ? named
            : workload.Node is { } last && NodeHealth.IsHealthy(observation.Cluster, last) ? last
            : null;
        return new WorkloadPlace { Node = fallback, State = StateNotRunning, ActiveNodes = active };
    }

    private static WorkloadRestore Plan(VolumeTask task, string run)
    {
        var restore = new WorkloadRestore
        {
            Namespace = task.Namespace,
            PersistentVolumeClaim = task.PersistentVolumeClaim,
            Workload = task.Workload,
            Node = task.Node,
            BackupJob = task.Job,
        };
        return task.Phase == BackupPhase.Succeeded && task.Job is not null
            ? restore with { LastBackupTime = task.CompletionTime }
            : restore with { Phase = RestorePhase.Failed, Message = $"run {run} did not capture it ({task.Phase?.ToString() ?? "not started"}{(task.Message is { } m ? ": " + m : "")})" };
    }

    /// <summary>The node a child names for its mounter pod: the node of mode Node, or the fallback of a workload that runs nowhere.</summary>
    private static string? ChildNodeName(RestoreJobSpec spec, WorkloadRestore workload) =>
        spec.Placement is { Mode: RestorePlacementMode.Node, NodeName: { } node } ? node
            : workload.WorkloadState == StateNotRunning ? workload.Node
            : null;

    /// <summary>
    /// The node on which the restore brings the claim up itself (the node of mode Node, or its mounter pod's node), where a
    /// pod of the workload elsewhere would make it active on two nodes; null while it writes through the workload's own
    /// pod, which it follows when the pod moves.
    /// </summary>
    private static string? RestoringNode(RestoreJobSpec spec, RestoreJob child, IReadOnlyList<Pod> pods)
    {
        if (spec.Placement is { Mode: RestorePlacementMode.Node, NodeName: { } node })
        {
            return node;
        }

        var childRef = RestoreJobDecider.RefOf(child);
        if (MounterPods.Find(pods.Where(p => p.Metadata.Namespace == childRef.Namespace).ToList(), childRef) is { Spec.NodeName: { Length: > 0 } mounterNode })
        {
            return mounterNode;
        }

        return child.Status?.Target is { Resolution: "MounterPod", Node: { } resolved } ? resolved : null;
    }

    private static WorkloadRestore Mirror(WorkloadRestore workload, RestoreJob child)
    {
        var s = child.Status;
        if (child.Metadata.DeletionTimestamp is not null && !IsTerminal(s?.Phase))
        {
            return workload with { Phase = RestorePhase.Failed, Message = $"restore {child.Metadata.Name} was deleted before it finished" };
        }

        var phase = s?.Phase ?? RestorePhase.Pending;
        return workload with
        {
            Phase = phase,
            Node = s?.Node ?? s?.Target?.Node ?? workload.Node,
            BytesDone = s?.Progress?.BytesDone ?? workload.BytesDone,
            BytesTotal = s?.Progress?.BytesTotal ?? s?.Backup?.Bytes ?? workload.BytesTotal,
            Message = phase is RestorePhase.Pending or RestorePhase.Waiting or RestorePhase.Failed or RestorePhase.PartiallySucceeded
                ? JobConditions.Find(s?.Conditions, JobConditions.Ready)?.Message
                : null,
        };
    }

    private static JobProgress? Progress(IReadOnlyList<WorkloadRestore> workloads, JobProgress? previous)
    {
        var done = workloads.Sum(w => w.BytesDone);
        var finished = workloads.Count(w => IsTerminal(w.Phase));
        if (done == 0 && finished == 0 && previous is null)
        {
            return null;
        }

        var percent = workloads.Count == 0 ? "100%" : (finished * 100 / workloads.Count).ToString(CultureInfo.InvariantCulture) + "%";
        return new JobProgress { BytesDone = done, Percent = percent, Size = $"{finished}/{workloads.Count} workloads" };
    }

    private static string Summary(IReadOnlyList<WorkloadRestore> workloads)
    {
        var restored = workloads.Count(w => w.Phase == RestorePhase.Succeeded);
        var failed = workloads.Count(w => w.Phase is RestorePhase.Failed or RestorePhase.PartiallySucceeded);
        var current = workloads.FirstOrDefault(IsActive);
        var now = current is null ? "" : $"; restoring {Describe(current)} on node {current.Node ?? "to be chosen"} ({current.Job})";
        return string.Create(CultureInfo.InvariantCulture, $"{restored} of {workloads.Count} workloads restored, {failed} not restored{now}");
    }

    private static string Describe(WorkloadRestore workload) =>
        workload.Workload is { Length: > 0 } name
            ? $"workload {workload.Namespace}/{name} (claim {workload.PersistentVolumeClaim})"
            : $"claim {workload.Namespace}/{workload.PersistentVolumeClaim}";

    private static List<OperatorAction> Waiting(RestoreJob job, RestoreJobStatus status, string reason, string message, bool stalled, ObjectReference regarding, long generation, DateTimeOffset now)
    {
        var actions = new List<OperatorAction>();
        var next = status with
        {
            Phase = RestorePhase.Waiting,
            ObservedGeneration = generation,
            Conditions = JobConditions.Waiting(status.Conditions, reason, message, stalled, generation, now),
        };
        Write(actions, job, next);
        if (JobConditions.Find(status.Conditions, JobConditions.Ready)?.Reason != reason)
        {
            actions.Add(new RecordEvent(regarding, stalled ? RecordEvent.Warning : RecordEvent.Normal, reason, message));
        }

        actions.Add(new RequeueAfter(Recheck));
        return actions;
    }

    private static void Write(List<OperatorAction> actions, RestoreJob job, RestoreJobStatus next)
    {
        if (!StatusJson.Same(next, job.Status))
        {
            actions.Add(new UpdateRestoreJobStatus(RestoreJobDecider.RefOf(job), next, job.Metadata.ResourceVersion));
        }
    }

    private static string Trim(string text, int max)
    {
        var cut = text.Length <= max ? text : text[..Math.Max(0, max)];
        return cut.TrimEnd('-', '.');
    }
}
