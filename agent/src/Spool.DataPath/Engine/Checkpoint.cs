using Spool.DataPath.Catalog;
using Spool.DataPath.Format;

namespace Spool.DataPath;

/// <summary>
/// Everything another process needs to continue a backup. Every block below <see cref="NextSequence"/> in
/// <see cref="Chain"/> is durable on the drive before the checkpoint is reported. Serialises to well under 2 KiB of JSON
/// for a handful of segments (about 150 bytes per extra segment).
/// </summary>
public sealed record Checkpoint
{
    public const int CurrentVersion = 1;

    public int Version { get; init; } = CurrentVersion;

    public required Guid BackupId { get; init; }

    public required long Epoch { get; init; }

    public required int Segment { get; init; }

    public required long NextSequence { get; init; }

    /// <summary>Bytes of the logical tar stream that are durable.</summary>
    public required long LogicalOffset { get; init; }

    public required SourcePosition Source { get; init; }

    public required CatalogState Catalog { get; init; }

    public required DrivePosition Drive { get; init; }

    /// <summary>The acknowledged segments so far; the last one ends at <see cref="NextSequence"/>.</summary>
    public required IReadOnlyList<SegmentRef> Chain { get; init; }

    public int BlockSize { get; init; }

    public CompressionKind Compression { get; init; }

    public string? KeyId { get; init; }

    public Guid? IncrementalFrom { get; init; }

    public string? Label { get; init; }

    public long SourceBytesDone { get; init; }

    public long DriveBytesWritten { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}
