using Spool.DataPath.Catalog;
using Spool.DataPath.Drives;
using Spool.DataPath.Format;

namespace Spool.DataPath;

internal static class SegmentHeaderReader
{
    public static SegmentHeaderInfo? TryRead(ITapeFileReader reader, BlockCodec codec, byte[] block, out string? error)
    {
        if (!reader.TryReadBlock(0, block))
        {
            error = "first block missing or short";
            return null;
        }

        if (!codec.TryOpen(block, out var h, out error))
        {
            return null;
        }

        if (h.Kind != BlockKind.SegmentHeader)
        {
            error = $"first block is {h.Kind}, not a segment header";
            return null;
        }

        try
        {
            return SpoolJson.Deserialize<SegmentHeaderInfo>(block.AsSpan(BlockHeader.Size, h.PayloadLength));
        }
        catch (System.Text.Json.JsonException e)
        {
            error = $"segment header does not parse: {e.Message}";
            return null;
        }
    }
}
