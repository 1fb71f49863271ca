using Spool.DataPath.Drives;

namespace Spool.DataPath.Redundancy;

/// <summary>
/// One run of a logical tape file across the members, starting at logical block <see cref="FirstIndex"/>. A writer starts a
/// new run after a sync that left a stripe partial, because a tape cannot rewrite that stripe's parity later.
/// </summary>
internal sealed class MemberSubFile(long firstIndex, int width)
{
    public long FirstIndex { get; } = firstIndex;

    /// <summary>Per member, its tape file, or null when that member's file is not there.</summary>
    public TapeFileAddress?[] Files { get; } = new TapeFileAddress?[width];

    /// <summary>Per member, blocks in its tape file (-1 unknown).</summary>
    public long[] MemberBlocks { get; } = Enumerable.Repeat(-1L, width).ToArray();

    /// <summary>Logical blocks in this run, from the end marker of any member; null when the writer never closed it.</summary>
    public long? Count { get; set; }
}
