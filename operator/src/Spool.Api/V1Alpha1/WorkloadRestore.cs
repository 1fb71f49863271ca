namespace Spool.Api.V1Alpha1;

public sealed record WorkloadRestore
{
    /// <summary>Namespace of the claim.</summary>
    public string Namespace { get; init; } = "";

    /// <summary>The claim restored.</summary>
    public string PersistentVolumeClaim { get; init; } = "";

    /// <summary>The workload (pod owner) the claim belongs to.</summary>
    public string? Workload { get; init; }

    /// <summary>Node the workload runs on now, or the fallback node.</summary>
    public string? Node { get; init; }

    /// <summary>Running, NotRunning or ActiveElsewhere.</summary>
    public string? WorkloadState { get; init; }

    /// <summary>When the restored backup of this claim finished.</summary>
    public DateTimeOffset? LastBackupTime { get; init; }

    /// <summary>The child RestoreJob doing the work.</summary>
    public string? Job { get; init; }

    /// <summary>Phase of the child restore.</summary>
    public RestorePhase? Phase { get; init; }

    /// <summary>Why the workload waits, was refused or failed.</summary>
    public string? Message { get; init; }
}
