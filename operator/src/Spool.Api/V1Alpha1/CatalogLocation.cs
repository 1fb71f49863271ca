namespace Spool.Api.V1Alpha1;

/// <summary>Where a finished backup and its catalog live.</summary>
public sealed record CatalogLocation
{
    /// <summary>Stable id of the backup on the medium.</summary>
    public string BackupId { get; init; } = "";

    /// <summary>Drives holding the backup's segments, in member order.</summary>
    public IReadOnlyList<string> Drives { get; init; } = [];

    /// <summary>How the segments are spread over the drives.</summary>
    public RedundancyMode Redundancy { get; init; } = RedundancyMode.None;

    /// <summary>Bytes of file data in the backup.</summary>
    public long Bytes { get; init; }

    /// <summary>Number of files in the backup.</summary>
    public long Files { get; init; }

    /// <summary>The backup this one is incremental against; empty for a full backup.</summary>
    public string? Parent { get; init; }

    /// <summary>SHA-256 of the catalog as written.</summary>
    public string? CatalogDigest { get; init; }

    /// <summary>True when the data path verified every block and content hash after writing.</summary>
    public bool Verified { get; init; }
}
