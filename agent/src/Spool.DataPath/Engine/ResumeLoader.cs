using Spool.DataPath.Catalog;
using Spool.DataPath.Drives;
using Spool.DataPath.Format;

namespace Spool.DataPath;

/// <summary>
/// Rebuilds what a resumed writer needs from the acknowledged part of the backup on the drives: the journaled catalog
/// entries and the data block index. Data blocks are only header-scanned; journal blocks are verified.
/// </summary>
internal static class ResumeLoader
{
    public sealed record State(List<CatalogEntry> Entries, List<long[]> BlockIndex);

    public static State Load(Checkpoint cp, IReadOnlyDictionary<string, IDrive> drives, BlockCodec codec)
    {
        var entries = new List<CatalogEntry>();
        var index = new List<long[]>();
        var head = new byte[BlockHeader.Size];
        var block = new byte[codec.BlockSize];
        foreach (var seg in cp.Chain)
        {
            if (!drives.TryGetValue(seg.DriveId, out var drive))
            {
                throw new DriveException($"segment {seg.Segment} of backup {cp.BackupId} is on drive {seg.DriveId}, which was not given");
            }

            using var reader = drive.OpenFile(seg.Address);
            for (var seq = seg.FirstSequence; seq < seg.EndSequence; seq++)
            {
                var at = 1 + seq - seg.FirstSequence;
                if (!reader.TryReadBlock(at, head) || !BlockHeader.TryRead(head, out var h, out _) || h.Sequence != seq || h.BackupId != cp.BackupId)
                {
                    throw new InvalidDataException($"acknowledged block {seq} of backup {cp.BackupId} is missing or unreadable at {seg.Address} on {seg.DriveId}");
                }

                if (h.Kind == BlockKind.Data)
                {
                    index.Add([seq, h.LogicalOffset, h.RawLength]);
                }
                else if (h.Kind == BlockKind.Journal)
                {
                    if (!reader.TryReadBlock(at, block) || !codec.TryOpen(block, out h, out var error))
                    {
                        throw new InvalidDataException($"journal block {seq} does not verify");
                    }

                    foreach (var line in block.AsSpan(BlockHeader.Size, h.PayloadLength).Split((byte)'\n'))
                    {
                        var bytes = block.AsSpan(BlockHeader.Size, h.PayloadLength)[line];
                        if (!bytes.IsEmpty)
                        {
                            entries.Add(SpoolJson.Deserialize<CatalogEntry>(bytes));
                        }
                    }
                }
            }
        }

        return new State(entries, index);
    }
}
