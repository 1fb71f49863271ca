namespace Spool.Api.V1Alpha1;

public sealed record WorkloadRestore
{
    public string Namespace { get; init; } = "";

    public string PersistentVolumeClaim { get; init; } = "";

    public string? Workload { get; init; }

    /// <summary>Node the workload runs on now, or the fallback node.</summary>
    public string? Node { get; init; }

    /// <summary>Running, NotRunning or ActiveElsewhere.</summary>
    public string? WorkloadState { get; init; }

    public DateTimeOffset? LastBackupTime { get; init; }

    public string? Job { get; init; }

    public RestorePhase? Phase { get; init; }

    public string? Message { get; init; }
}
