namespace Spool.Api.V1Alpha1;

/// <summary>
/// One backup as the operator's catalog lists it: the ConfigMap <c>spool-catalog-&lt;drive&gt;</c> in the operator
/// namespace holds, under the key <c>&lt;namespace&gt;_&lt;claim&gt;</c>, the JSON list of the source's backups on that drive.
/// </summary>
public sealed record CatalogEntry
{
    /// <summary>Stable id of the backup on the medium.</summary>
    public string BackupId { get; init; } = "";

    /// <summary>Namespace of the source claim.</summary>
    public string Namespace { get; init; } = "";

    /// <summary>The source claim.</summary>
    public string PersistentVolumeClaim { get; init; } = "";

    /// <summary>When the backup completed (or, for an incomplete one, when its job failed).</summary>
    public DateTimeOffset Time { get; init; }

    /// <summary>Full or Incremental.</summary>
    public BackupMode Mode { get; init; }

    /// <summary>The backup this one is incremental against; empty for a full backup.</summary>
    public string? Parent { get; init; }

    /// <summary>Bytes stored.</summary>
    public long Bytes { get; init; }

    /// <summary>Files in the backup.</summary>
    public long Files { get; init; }

    /// <summary>Drives holding the backup's segments, in member order.</summary>
    public IReadOnlyList<string> Drives { get; init; } = [];

    /// <summary>None, Mirror or Parity.</summary>
    public RedundancyMode Redundancy { get; init; } = RedundancyMode.None;

    /// <summary>Complete, Incomplete, Expiring or Expired.</summary>
    public CatalogEntryState State { get; init; } = CatalogEntryState.Complete;

    /// <summary>The BackupJob that wrote it (it may since have been deleted by a history limit).</summary>
    public string? Job { get; init; }

    /// <summary>The federated BackupJob (namespace/name) whose run the backup belongs to, if any: its entries together are the run.</summary>
    public string? Run { get; init; }

    /// <summary>The BackupSchedule that created the job, if any; its retention policy governs the backup.</summary>
    public string? Schedule { get; init; }

    /// <summary>SHA-256 of the backup's catalog on the medium.</summary>
    public string? CatalogDigest { get; init; }

    /// <summary>True when the data path verified every block after writing.</summary>
    public bool Verified { get; init; }

    /// <summary>When retention expired it.</summary>
    public DateTimeOffset? ExpiryTime { get; init; }

    /// <summary>Why retention expired it.</summary>
    public string? ExpiryReason { get; init; }
}
