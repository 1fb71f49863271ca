namespace Spool.DataPath.Format;

public enum BlockKind : byte
{
    /// <summary>First block of every tape file: describes the segment (JSON, never encrypted).</summary>
    SegmentHeader = 1,

    /// <summary>A slice of the pax tar stream.</summary>
    Data = 2,

    /// <summary>Catalog entries completed since the previous journal block, so a resumed writer can rebuild the catalog.</summary>
    Journal = 3,

    /// <summary>A slice of the compressed end-of-backup catalog document.</summary>
    Catalog = 4,

    /// <summary>Last block of the catalog tape file: what the backup consists of (JSON, never encrypted).</summary>
    Trailer = 5,

    /// <summary>First block of a member tape file of a redundancy set (JSON <c>StripeMemberHeader</c>, never encrypted).</summary>
    StripeMember = 6,

    /// <summary>Last block of a closed member tape file; its logical offset field is the run's logical block count.</summary>
    StripeEnd = 7,
}
