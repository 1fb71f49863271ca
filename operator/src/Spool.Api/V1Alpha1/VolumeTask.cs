namespace Spool.Api.V1Alpha1;

/// <summary>One volume of a federated run, backed by a child BackupJob.</summary>
public sealed record VolumeTask
{
    /// <summary>Namespace of the claim.</summary>
    public string Namespace { get; init; } = "";

    /// <summary>The claim backed up by this task.</summary>
    public string PersistentVolumeClaim { get; init; } = "";

    /// <summary>The workload (pod owner) the volume belongs to, if any.</summary>
    public string? Workload { get; init; }

    /// <summary>The child BackupJob doing the work.</summary>
    public string? Job { get; init; }

    /// <summary>Node that owns the volume for this task; while no pod mounts the volume, the node it was last seen on.</summary>
    public string? Node { get; init; }

    /// <summary>Drive the task writes to.</summary>
    public string? Drive { get; init; }

    /// <summary>Phase of the child job.</summary>
    public BackupPhase? Phase { get; init; }

    /// <summary>Bytes streamed so far.</summary>
    public long BytesDone { get; init; }

    /// <summary>Bytes to stream, once known.</summary>
    public long? BytesTotal { get; init; }

    /// <summary>Sequence number of the last acknowledged checkpoint.</summary>
    public long? CheckpointSequence { get; init; }

    /// <summary>Number of epochs the task has had.</summary>
    public int Attempts { get; init; }

    /// <summary>Position in the run's order; lower goes first. Higher spool.dev/criticality (on the claim or its pod) first, then volumes on nodes that failed recently (most recent first), then on nodes with more of the run's volumes, then by node, namespace and claim name.</summary>
    public int Order { get; init; }

    /// <summary>True when the end-of-run check found it missed and backed it up afterwards.</summary>
    public bool Recovered { get; init; }

    /// <summary>Id of the volume's backup on the medium.</summary>
    public string? BackupId { get; init; }

    /// <summary>When the child job finished.</summary>
    public DateTimeOffset? CompletionTime { get; init; }

    /// <summary>Why the task waits: a busy node, a volume without an owner, or a move to a node whose pass had ended.</summary>
    public string? Message { get; init; }
}
