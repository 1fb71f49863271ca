using Spool.DataPath.Catalog;
using Spool.DataPath.Drives;
using Spool.DataPath.Format;

namespace Spool.DataPath;

/// <summary>Writes a backup's data segments to one drive, opening a new segment on the next medium when one fills up.</summary>
internal sealed class SingleDriveStreamWriter : IBlockStreamWriter
{
    private readonly IDrive drive;
    private readonly BlockCodec codec;
    private readonly SegmentHeaderInfo template;
    private readonly List<SegmentRef> closed;
    private readonly TimeProvider time;
    private readonly byte[] headerBlock;
    private ITapeFileWriter? current;
    private int segment;
    private long segmentFirst;
    private SegmentRef? parent;

    public SingleDriveStreamWriter(IDrive drive, BlockCodec codec, SegmentHeaderInfo template, IReadOnlyList<SegmentRef> acknowledged, int firstSegment, TimeProvider time)
    {
        this.drive = drive;
        this.codec = codec;
        this.template = template;
        this.time = time;
        closed = [.. acknowledged];
        parent = acknowledged.Count > 0 ? acknowledged[^1] : null;
        segment = firstSegment - 1;
        headerBlock = new byte[drive.BlockSize];
        segmentFirst = template.FirstSequence;
        BlockSize = drive.BlockSize;
    }

    public int BlockSize { get; }

    public long BytesWritten { get; private set; }

    public DrivePosition Position => current is null
        ? new DrivePosition(drive.Id, 0, 0, 0)
        : new DrivePosition(drive.Id, current.Address.Medium, current.Address.File, current.BlocksWritten);

    public int PrepareBlock()
    {
        if (current is not null && current.HasRoomForBlock)
        {
            return segment;
        }

        var nextMedium = current is not null;
        if (current is not null)
        {
            current.Close();
            var done = new SegmentRef(segment, template.Epoch, drive.Id, current.Address.Medium, current.Address.File, segmentFirst, pendingSequence);
            closed.Add(done);
            parent = done;
            segmentFirst = pendingSequence;
            current.Dispose();
        }

        current = drive.AppendFile(nextMedium);
        segment++;
        var info = template with { Segment = segment, FirstSequence = segmentFirst, Parent = parent, CreatedAt = time.GetUtcNow(), BlockSize = BlockSize };
        var json = SpoolJson.Serialize(info);
        json.CopyTo(headerBlock, BlockHeader.Size);
        codec.Seal(headerBlock, new BlockHeader(BlockKind.SegmentHeader, CompressionKind.None, BlockFlags.None, template.BackupId, segmentFirst, template.Epoch, 0, segment, json.Length, json.Length), allowEncryption: false);
        current.WriteBlock(headerBlock);
        BytesWritten += BlockSize;
        return segment;
    }

    private long pendingSequence;

    public void WriteBlock(ReadOnlySpan<byte> block, long sequence)
    {
        if (current is null)
        {
            throw new InvalidOperationException("PrepareBlock first");
        }

        current.WriteBlock(block);
        pendingSequence = sequence + 1;
        BytesWritten += block.Length;
    }

    public void Sync() => current?.Sync();

    public Task BeginSync() => current?.BeginSync() ?? Task.CompletedTask;

    public IReadOnlyList<SegmentRef> Chain(long nextSequence)
    {
        var list = new List<SegmentRef>(closed);
        if (current is not null)
        {
            list.Add(new SegmentRef(segment, template.Epoch, drive.Id, current.Address.Medium, current.Address.File, segmentFirst, nextSequence));
        }

        return list;
    }

    public void Finish()
    {
        current?.Close();
    }

    public void Dispose() => current?.Dispose();
}
