namespace Spool.Api.V1Alpha1;

/// <summary>Operator: phase, conditions, epoch, node, backup, drives, attempts, workloads. Agent: progress, checkpoint, report, failedFiles.</summary>
public sealed record RestoreJobStatus
{
    public RestorePhase? Phase { get; init; }

    public long? ObservedGeneration { get; init; }

    public IReadOnlyList<Condition>? Conditions { get; init; }

    public long Epoch { get; init; }

    public string? Node { get; init; }

    /// <summary>The backup being restored, as resolved from the source.</summary>
    public CatalogLocation? Backup { get; init; }

    /// <summary>The claim restored into and the pod whose mount is written.</summary>
    public ResolvedVolume? Target { get; init; }

    public IReadOnlyList<HeldDrive>? Drives { get; init; }

    /// <summary>Written by the operator at hand-over: the checkpoint the current epoch resumes from; empty for a fresh start.</summary>
    public CheckpointRecord? ResumeFrom { get; init; }

    public JobProgress? Progress { get; init; }

    public CheckpointRecord? Checkpoint { get; init; }

    public AgentReport? Report { get; init; }

    public IReadOnlyList<Attempt>? Attempts { get; init; }

    /// <summary>Files that failed verification and were not restored.</summary>
    public IReadOnlyList<string>? FailedFiles { get; init; }

    /// <summary>Federated restore: one entry per workload, restored one after another.</summary>
    public IReadOnlyList<WorkloadRestore>? Workloads { get; init; }

    public DateTimeOffset? StartTime { get; init; }

    public DateTimeOffset? CompletionTime { get; init; }
}
