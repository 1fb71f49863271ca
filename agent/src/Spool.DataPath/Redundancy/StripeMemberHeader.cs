using Spool.DataPath.Catalog;

namespace Spool.DataPath.Redundancy;

/// <summary>
/// JSON payload of block 0 of every member tape file: which set, which member, which backup and epoch, and which part of
/// which logical tape file the member file carries (from logical block <see cref="FirstIndex"/> on).
/// </summary>
public sealed record StripeMemberHeader
{
    public required string SetId { get; init; }

    public required StripeMemberInfo Stripe { get; init; }

    public required Guid BackupId { get; init; }

    public required long Epoch { get; init; }

    public required int Segment { get; init; }

    public required int LogicalMedium { get; init; }

    public required int LogicalFile { get; init; }

    public required long FirstIndex { get; init; }

    public int BlockSize { get; init; }
}
