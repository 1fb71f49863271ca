using Spool.Api.V1Alpha1;
using Spool.Operator.Decisions;

namespace Spool.Operator.Controllers;

/// <summary>Secondary indexes of the job informers, so that an event on a pod, claim, node or drive finds its jobs.</summary>
public static class JobIndexes
{
    /// <summary>namespace/claim of the volume a job reads or writes.</summary>
    public const string Claim = "claim";

    /// <summary>Namespace of an unfinished BackupJob with <c>spec.source.replica</c>: a change to any pod there may change its replica.</summary>
    public const string ReplicaNamespace = "replicaNamespace";

    /// <summary>The run (<see cref="JobRuns.KeyOf"/>) of every BackupJob, for <c>spec.maxConcurrentPerNode</c>.</summary>
    public const string Run = "run";

    /// <summary>Node of a job in phase Running.</summary>
    public const string RunningNode = "runningNode";

    /// <summary>Node the volume of a waiting job lives on.</summary>
    public const string WaitingNode = "waitingNode";

    /// <summary>"queued" for jobs waiting for a drive or a stream slot, the arbiter's queue.</summary>
    public const string Queued = "queued";

    public const string QueuedValue = "queued";

    /// <summary>Uid of the federated parent of a child job (BackupJob or RestoreJob).</summary>
    public const string Parent = "parent";

    /// <summary>"active" for federated jobs that have not finished, woken by pod and claim events in their scope.</summary>
    public const string Federated = "federated";

    public const string ActiveValue = "active";

    public static readonly IReadOnlySet<string> QueueReasons = new HashSet<string>(StringComparer.Ordinal) { JobEngine.WaitingForDrive, JobEngine.NodeBusy };

    public static IReadOnlyDictionary<string, Func<BackupJob, IEnumerable<string>>> ForBackups() => new Dictionary<string, Func<BackupJob, IEnumerable<string>>>
    {
        [Claim] = j => new[] { j.Spec.Source.PersistentVolumeClaim, j.Status?.Volume?.PersistentVolumeClaim }.OfType<string>().Distinct(StringComparer.Ordinal).Select(c => $"{j.Metadata.Namespace}/{c}"),
        [ReplicaNamespace] = j => j.Spec.Source.Replica is not null && j.Status?.Phase is not (BackupPhase.Succeeded or BackupPhase.Failed or BackupPhase.PartiallySucceeded) ? [j.Metadata.Namespace ?? "default"] : [],
        [RunningNode] = j => j.Status is { Phase: BackupPhase.Running, Node: { } n } ? [n] : [],
        [Run] = j => [JobRuns.KeyOf(j)],
        [WaitingNode] = j => j.Status is { Phase: BackupPhase.Waiting or BackupPhase.Pending, Volume.Node: { } n } ? [n] : [],
        [Queued] = j => j.Status?.Phase == BackupPhase.Waiting && j.Metadata.DeletionTimestamp is null && IsQueued(j.Status.Conditions) ? [QueuedValue] : [],
        [Parent] = j => j.Metadata.Annotations?.GetValueOrDefault(FederatedBackupDecider.ParentUidAnnotation) is { Length: > 0 } uid ? [uid] : [],
        [Federated] = j => j.Spec.Source.Selector is not null && j.Metadata.DeletionTimestamp is null && !FederatedBackupDecider.IsTerminal(j.Status?.Phase) ? [ActiveValue] : [],
    };

    public static IReadOnlyDictionary<string, Func<RestoreJob, IEnumerable<string>>> ForRestores() => new Dictionary<string, Func<RestoreJob, IEnumerable<string>>>
    {
        // A federated restore's workloads: a pod starting or stopping on one of them may release or stop its restore.
        [Claim] = j => (j.Spec.Target?.PersistentVolumeClaim ?? j.Spec.Target?.NewClaim?.Name) is { } c ? [$"{j.Metadata.Namespace}/{c}"]
            : j.Status?.Workloads is { } workloads && !FederatedRestoreDecider.IsTerminal(j.Status.Phase) ? workloads.Select(w => $"{w.Namespace}/{w.PersistentVolumeClaim}").Distinct(StringComparer.Ordinal)
            : [],
        [Parent] = j => j.Metadata.Annotations?.GetValueOrDefault(FederatedBackupDecider.ParentUidAnnotation) is { Length: > 0 } uid ? [uid] : [],
        [RunningNode] = j => j.Status is { Phase: RestorePhase.Running, Node: { } n } ? [n] : [],
        [WaitingNode] = j => j.Status is { Phase: RestorePhase.Waiting or RestorePhase.Pending, Target.Node: { } n } ? [n] : [],
        [Queued] = j => j.Status?.Phase == RestorePhase.Waiting && j.Metadata.DeletionTimestamp is null && IsQueued(j.Status.Conditions) ? [QueuedValue] : [],
    };

    private static bool IsQueued(IReadOnlyList<Spool.Api.Condition>? conditions) =>
        JobConditions.Find(conditions, JobConditions.Ready) is { Reason: { } reason } && QueueReasons.Contains(reason);
}
