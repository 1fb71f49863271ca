using Spool.DataPath.Format;

namespace Spool.DataPath.Catalog;

/// <summary>JSON payload of the last block of a backup: the authoritative segment chain and where the catalog is.</summary>
public sealed record BackupTrailer
{
    public required Guid BackupId { get; init; }

    public required long Epoch { get; init; }

    public required IReadOnlyList<SegmentRef> Chain { get; init; }

    public int CatalogBlocks { get; init; }

    public long CatalogBytes { get; init; }

    public required string CatalogSha256 { get; init; }

    public long Entries { get; init; }

    public long Files { get; init; }

    public long SourceBytes { get; init; }

    public long LogicalBytes { get; init; }

    public CompressionKind Compression { get; init; }

    public string? KeyId { get; init; }

    public Guid? IncrementalFrom { get; init; }

    public string? Label { get; init; }

    public int Warnings { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset FinishedAt { get; init; }
}
