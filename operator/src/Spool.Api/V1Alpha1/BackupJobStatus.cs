namespace Spool.Api.V1Alpha1;

/// <summary>
/// Each field has one writer. Operator: phase, conditions, observedGeneration, epoch, node, volume, drives,
/// attempts, volumes, verification, catalog, times. Agent: progress, checkpoint, report.
/// </summary>
public sealed record BackupJobStatus
{
    /// <summary>Summary of where the job is in its life cycle.</summary>
    public BackupPhase? Phase { get; init; }

    /// <summary>The metadata.generation the operator last acted on.</summary>
    public long? ObservedGeneration { get; init; }

    /// <summary>Ready, Progressing, Succeeded, Failed and the waiting reasons, with observedGeneration.</summary>
    public IReadOnlyList<Condition>? Conditions { get; init; }

    /// <summary>Placement epoch. Raised on every hand-over; writes and blocks of an older epoch are fenced off.</summary>
    public long Epoch { get; init; }

    /// <summary>The node the job is assigned to in this epoch.</summary>
    public string? Node { get; init; }

    /// <summary>Stable id of the backup on the medium, kept across attempts.</summary>
    public string? BackupId { get; init; }

    /// <summary>The resolved source volume and why this node owns it.</summary>
    public ResolvedVolume? Volume { get; init; }

    /// <summary>Drives held in this epoch, with their member roles.</summary>
    public IReadOnlyList<HeldDrive>? Drives { get; init; }

    /// <summary>Drive names for the printer column.</summary>
    public string? DriveSummary { get; init; }

    /// <summary>Segment number the current epoch writes; a new drive or a resume starts a new segment.</summary>
    public int? Segment { get; init; }

    /// <summary>Written by the operator at hand-over: the checkpoint the current epoch resumes from; empty for a fresh start.</summary>
    public CheckpointRecord? ResumeFrom { get; init; }

    /// <summary>Written by the agent.</summary>
    public JobProgress? Progress { get; init; }

    /// <summary>Last checkpoint written by the agent of the current epoch.</summary>
    public CheckpointRecord? Checkpoint { get; init; }

    /// <summary>The agent's final report for an epoch; the operator turns it into the phase.</summary>
    public AgentReport? Report { get; init; }

    /// <summary>One entry per epoch: where it ran, why it ended, and what was sent again.</summary>
    public IReadOnlyList<Attempt>? Attempts { get; init; }

    /// <summary>Federated runs: one task per volume.</summary>
    public IReadOnlyList<VolumeTask>? Volumes { get; init; }

    /// <summary>Federated runs: the end-of-run comparison of expected and captured volumes.</summary>
    public VerificationResult? Verification { get; init; }

    /// <summary>Stripes written with a member missing (Parity), so that what is degraded is known exactly.</summary>
    public IReadOnlyList<DegradedRange>? DegradedStripes { get; init; }

    /// <summary>Where the finished backup's catalog is.</summary>
    public CatalogLocation? Catalog { get; init; }

    /// <summary>When the job first started running.</summary>
    public DateTimeOffset? StartTime { get; init; }

    /// <summary>When the job reached Succeeded, PartiallySucceeded or Failed.</summary>
    public DateTimeOffset? CompletionTime { get; init; }

    /// <summary>Files changed while read, hooks that failed with onError Continue, and other non-fatal findings (bounded).</summary>
    public IReadOnlyList<string>? Warnings { get; init; }
}
