namespace Spool.Api.V1Alpha1;

/// <summary>Operator: phase, conditions, epoch, node, backup, drives, attempts, workloads. Agent: progress, checkpoint, report, failedFiles.</summary>
public sealed record RestoreJobStatus
{
    /// <summary>Summary of where the restore is in its life cycle.</summary>
    public RestorePhase? Phase { get; init; }

    /// <summary>The metadata.generation the operator last acted on.</summary>
    public long? ObservedGeneration { get; init; }

    /// <summary>Ready, Progressing, Succeeded, Failed and the waiting reasons, with observedGeneration.</summary>
    public IReadOnlyList<Condition>? Conditions { get; init; }

    /// <summary>Placement epoch. Raised on every hand-over; writes of an older epoch are fenced off.</summary>
    public long Epoch { get; init; }

    /// <summary>The node the restore is assigned to in this epoch.</summary>
    public string? Node { get; init; }

    /// <summary>The backup being restored, as resolved from the source.</summary>
    public CatalogLocation? Backup { get; init; }

    /// <summary>The claim restored into and the pod whose mount is written.</summary>
    public ResolvedVolume? Target { get; init; }

    /// <summary>Drives held in this epoch.</summary>
    public IReadOnlyList<HeldDrive>? Drives { get; init; }

    /// <summary>Written by the operator at hand-over: the checkpoint the current epoch resumes from; empty for a fresh start.</summary>
    public CheckpointRecord? ResumeFrom { get; init; }

    /// <summary>Written by the agent.</summary>
    public JobProgress? Progress { get; init; }

    /// <summary>Last checkpoint written by the agent of the current epoch.</summary>
    public CheckpointRecord? Checkpoint { get; init; }

    /// <summary>The agent's final report for an epoch; the operator turns it into the phase.</summary>
    public AgentReport? Report { get; init; }

    /// <summary>One entry per epoch: where it ran and why it ended.</summary>
    public IReadOnlyList<Attempt>? Attempts { get; init; }

    /// <summary>Files that failed verification and were not restored.</summary>
    public IReadOnlyList<string>? FailedFiles { get; init; }

    /// <summary>Federated restore: one entry per workload, restored one after another.</summary>
    public IReadOnlyList<WorkloadRestore>? Workloads { get; init; }

    /// <summary>When the restore first started running.</summary>
    public DateTimeOffset? StartTime { get; init; }

    /// <summary>When the restore reached Succeeded, PartiallySucceeded or Failed.</summary>
    public DateTimeOffset? CompletionTime { get; init; }
}
