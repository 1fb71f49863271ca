using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Spool.Api.V1Alpha1;

/// <summary>Desired backup.</summary>
public sealed record BackupJobSpec
{
    /// <summary>The volume or volumes to back up.</summary>
    [Required]
    public BackupSource Source { get; init; } = new();

    /// <summary>The drives to write to, redundancy, encryption and compression.</summary>
    [Required]
    public BackupDestination Destination { get; init; } = new();

    /// <summary>Full copies every file; Incremental stores only what changed since the last successful backup of the same source.</summary>
    [DefaultValue(BackupMode.Full)]
    public BackupMode Mode { get; init; } = BackupMode.Full;

    /// <summary>How often the agent makes the stream durable and reports a checkpoint.</summary>
    public CheckpointPolicy? Checkpoint { get; init; }

    /// <summary>After a failover: Checkpoint resumes from the last acknowledged checkpoint, Fresh starts over. Checkpoint falls back to Fresh only when the checkpoint is unusable.</summary>
    [DefaultValue(RestartPolicy.Checkpoint)]
    public RestartPolicy RestartPolicy { get; init; } = RestartPolicy.Checkpoint;

    /// <summary>Higher runs first when jobs wait for drives. A federated run's child jobs carry it.</summary>
    [Range(-1000, 1000)]
    [DefaultValue(0)]
    public int Priority { get; init; }

    /// <summary>How many streams of this job's run (the job and its child jobs, labelled spool.dev/parent) may run on one node at once; the others wait with reason NodeBusy. The default, 1, backs a node's volumes up one after another.</summary>
    [Range(1, 64)]
    [DefaultValue(1)]
    public int MaxConcurrentPerNode { get; init; } = 1;

    /// <summary>Seconds after the job starts running before it fails with reason DeadlineExceeded.</summary>
    [Range(1, long.MaxValue)]
    public long? ActiveDeadlineSeconds { get; init; }

    /// <summary>Federated runs: succeed as PartiallySucceeded, naming the missed volumes, instead of failing.</summary>
    public bool AllowPartialSuccess { get; init; }

    /// <summary>When no pod mounts the volume, start a short-lived mounter pod on a node that reaches a free drive instead of waiting with reason VolumeNotMounted.</summary>
    public bool MountWhenIdle { get; init; }

    /// <summary>Retries of a failed attempt before the job fails; failovers do not count.</summary>
    [Range(0, 100)]
    [DefaultValue(3)]
    public int BackoffLimit { get; init; } = 3;
}
