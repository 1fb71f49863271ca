using Spool.DataPath.Catalog;

namespace Spool.DataPath;

/// <summary>
/// Where sealed blocks go. The engine knows only this; a single drive, a mirror or a parity stripe set implement it.
/// Each implementation writes self-describing segment headers on every member it owns.
/// </summary>
public interface IBlockStreamWriter : IDisposable
{
    int BlockSize { get; }

    /// <summary>Segment the next block lands in; switches to a new segment first if the medium is full.</summary>
    int PrepareBlock();

    void WriteBlock(ReadOnlySpan<byte> block, long sequence);

    /// <summary>Makes all written blocks durable.</summary>
    void Sync();

    /// <summary>Starts making all written blocks durable (see <see cref="Drives.ITapeFileWriter.BeginSync"/>).</summary>
    Task BeginSync();

    /// <summary>Acknowledgeable segments, the current one ending at the next sequence.</summary>
    IReadOnlyList<SegmentRef> Chain(long nextSequence);

    DrivePosition Position { get; }

    long BytesWritten { get; }

    /// <summary>Syncs and closes the current tape file.</summary>
    void Finish();
}
