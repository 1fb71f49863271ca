namespace Spool.Api.V1Alpha1;

public sealed record WorkloadRestore
{
    /// <summary>Namespace of the claim.</summary>
    public string Namespace { get; init; } = "";

    /// <summary>The claim restored.</summary>
    public string PersistentVolumeClaim { get; init; } = "";

    /// <summary>The workload (pod owner) the claim belongs to.</summary>
    public string? Workload { get; init; }

    /// <summary>Node the workload is restored on: where it runs now, or the fallback node; before its turn, the node of its backup.</summary>
    public string? Node { get; init; }

    /// <summary>Running (a pod of it runs on the restore's node), NotRunning (no pod of it runs), ActiveElsewhere (it runs on another node than the restore's) or Missing (its claim does not exist).</summary>
    public string? WorkloadState { get; init; }

    /// <summary>When the restored backup of this claim finished.</summary>
    public DateTimeOffset? LastBackupTime { get; init; }

    /// <summary>The run's child BackupJob whose backup of the claim is restored.</summary>
    public string? BackupJob { get; init; }

    /// <summary>The child RestoreJob doing the work.</summary>
    public string? Job { get; init; }

    /// <summary>Phase of the child restore.</summary>
    public RestorePhase? Phase { get; init; }

    /// <summary>Bytes restored so far by the child restore.</summary>
    public long BytesDone { get; init; }

    /// <summary>Bytes to restore, once known.</summary>
    public long? BytesTotal { get; init; }

    /// <summary>Child restores started for the workload; a child stopped because the workload became active on another node is followed by a new one.</summary>
    public int Attempts { get; init; }

    /// <summary>Why the workload waits, was refused or failed.</summary>
    public string? Message { get; init; }
}
