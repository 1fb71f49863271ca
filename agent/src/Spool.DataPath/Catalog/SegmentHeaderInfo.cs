using Spool.DataPath.Format;

namespace Spool.DataPath.Catalog;

/// <summary>JSON payload of the first block of every tape file; enough to list a drive without keys or a catalog.</summary>
public sealed record SegmentHeaderInfo
{
    public required Guid BackupId { get; init; }

    public required SegmentRole Role { get; init; }

    public required int Segment { get; init; }

    public required long Epoch { get; init; }

    public long FirstSequence { get; init; }

    public int BlockSize { get; init; }

    public CompressionKind Compression { get; init; }

    public string? Encryption { get; init; }

    public string? KeyId { get; init; }

    /// <summary>The segment this one continues from (a resume or a medium change), as acknowledged.</summary>
    public SegmentRef? Parent { get; init; }

    public Guid? IncrementalFrom { get; init; }

    public string? Label { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Stripe geometry of this member when the stream is striped across drives; null for a single drive.</summary>
    public StripeMemberInfo? Stripe { get; init; }
}
