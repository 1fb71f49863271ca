namespace Spool.Api.V1Alpha1;

/// <summary>One volume of a federated run, backed by a child BackupJob.</summary>
public sealed record VolumeTask
{
    public string Namespace { get; init; } = "";

    public string PersistentVolumeClaim { get; init; } = "";

    /// <summary>The workload (pod owner) the volume belongs to, if any.</summary>
    public string? Workload { get; init; }

    /// <summary>The child BackupJob doing the work.</summary>
    public string? Job { get; init; }

    public string? Node { get; init; }

    public string? Drive { get; init; }

    public BackupPhase? Phase { get; init; }

    public long BytesDone { get; init; }

    public long? BytesTotal { get; init; }

    public long? CheckpointSequence { get; init; }

    public int Attempts { get; init; }

    /// <summary>Position in the run's order; lower went first.</summary>
    public int Order { get; init; }

    /// <summary>True when the end-of-run check found it missed and backed it up afterwards.</summary>
    public bool Recovered { get; init; }

    public string? BackupId { get; init; }
}
