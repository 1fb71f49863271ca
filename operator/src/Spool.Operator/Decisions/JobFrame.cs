using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;

namespace Spool.Operator.Decisions;

/// <summary>
/// A BackupJob or RestoreJob as the placement engine sees it. The status uses the BackupJob shape, whose placement
/// fields RestoreJob shares; the restore decider maps back and forth.
/// </summary>
internal sealed record JobFrame
{
    public required JobRef Job { get; init; }

    public required ObjectReference Regarding { get; init; }

    public long Generation { get; init; }

    public string? ResourceVersion { get; init; }

    public DateTimeOffset Created { get; init; }

    public bool Deleting { get; init; }

    public bool HasFinalizer { get; init; }

    public string? NodeLabel { get; init; }

    public int Priority { get; init; }

    public RestartPolicy RestartPolicy { get; init; }

    public int BackoffLimit { get; init; }

    public long? ActiveDeadlineSeconds { get; init; }

    public required BackupJobStatus Status { get; init; }

    /// <summary>Bad input found by validation: the job waits until the spec or the cluster changes.</summary>
    public (string Reason, string Message, bool Stalled)? Problem { get; init; }

    /// <summary>Namespace and claim of the volume the job reads or writes, for <c>status.volume</c>.</summary>
    public string? VolumeNamespace { get; init; }

    public string? VolumeClaim { get; init; }

    /// <summary>Backups write to their drives and keep the drive operation log; restores only read.</summary>
    public bool WritesToDrives { get; init; } = true;

    public required OwnerResolution Owner { get; init; }

    /// <summary>Streams of the job's run that may run on one node at once (<c>spec.maxConcurrentPerNode</c>); null: no limit beyond the operator's.</summary>
    public int? MaxConcurrentPerNode { get; init; }

    /// <summary>Running jobs of the job's run per node, not counting the job itself.</summary>
    public IReadOnlyDictionary<string, int> RunRunningPerNode { get; init; } = new Dictionary<string, int>();

    public int RunRunningOn(string node) => RunRunningPerNode.TryGetValue(node, out var count) ? count : 0;

    /// <summary>Whether the job's run has room for another stream on the node.</summary>
    public bool RunHasRoomOn(string node) => MaxConcurrentPerNode is not { } limit || RunRunningOn(node) < limit;

    /// <summary>Replica-aware jobs: the replica chosen, or why none; a choice with a FailReason fails the job at placement.</summary>
    public ReplicaChoice? Replica { get; init; }

    public required DriveDemand Demand { get; init; }

    /// <summary>The job's mounter pod, if one exists.</summary>
    public Pod? MounterPod { get; init; }

    /// <summary>The only node a mounter pod may go to (a restore's spec.placement.nodeName); null: the least loaded node that reaches the drives.</summary>
    public string? MounterNode { get; init; }

    /// <summary>Builds a mounter pod for a node; null when the job must not start one.</summary>
    public Func<string, Pod>? NewMounterPod { get; init; }

    /// <summary>Stable id of the job's work; a fresh restart after a failover appends the new epoch.</summary>
    public required string BackupIdBase { get; init; }

    /// <summary>"Backup" or "Restore", for messages.</summary>
    public required string Noun { get; init; }
}
