using System.IO.Compression;
using System.Security.Cryptography;
using Spool.DataPath.Catalog;
using Spool.DataPath.Drives;
using Spool.DataPath.Format;

namespace Spool.DataPath;

/// <summary>
/// Writes the catalog tape file: a segment header, the Deflate-compressed catalog document in block-sized slices
/// (encrypted when the backup is), and the trailer. If the medium fills up, the whole file is written again on the next one.
/// </summary>
internal static class CatalogFileWriter
{
    public static void Write(IDrive drive, BlockCodec codec, CatalogDocument document, BackupTrailer trailer, int segment, TimeProvider time)
    {
        var compressed = new MemoryStream();
        using (var z = new DeflateStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            System.Text.Json.JsonSerializer.Serialize(z, document, SpoolJson.Options);
        }

        Write(drive, codec, compressed.ToArray(), trailer, segment, time);
    }

    /// <summary>Writes a catalog document already serialised and Deflate-compressed (see <see cref="CatalogStream"/>).</summary>
    public static void Write(IDrive drive, BlockCodec codec, byte[] bytes, BackupTrailer trailer, int segment, TimeProvider time)
    {
        var blocks = (bytes.Length + codec.PayloadCapacity - 1) / codec.PayloadCapacity;
        trailer = trailer with { CatalogBlocks = blocks, CatalogBytes = bytes.Length, CatalogSha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)) };
        var nextMedium = false;
        while (true)
        {
            using var w = drive.AppendFile(nextMedium);
            if (TryWrite(w, codec, segment, bytes, blocks, trailer, time))
            {
                return;
            }

            nextMedium = true;
        }
    }

    private static bool TryWrite(ITapeFileWriter w, BlockCodec codec, int segment, byte[] bytes, int blocks, BackupTrailer trailer, TimeProvider time)
    {
        var block = new byte[codec.BlockSize];
        if (!w.HasRoomForBlock)
        {
            return false;
        }

        var info = new SegmentHeaderInfo
        {
            BackupId = trailer.BackupId,
            Role = SegmentRole.Catalog,
            Segment = segment,
            Epoch = trailer.Epoch,
            BlockSize = codec.BlockSize,
            Compression = trailer.Compression,
            Encryption = trailer.KeyId is null ? null : "aes-256-gcm",
            KeyId = trailer.KeyId,
            IncrementalFrom = trailer.IncrementalFrom,
            Label = trailer.Label,
            CreatedAt = time.GetUtcNow(),
        };
        var json = SpoolJson.Serialize(info);
        json.CopyTo(block, BlockHeader.Size);
        codec.Seal(block, new BlockHeader(BlockKind.SegmentHeader, CompressionKind.None, BlockFlags.None, trailer.BackupId, 0, trailer.Epoch, 0, segment, json.Length, json.Length), allowEncryption: false);
        w.WriteBlock(block);
        for (var i = 0; i < blocks; i++)
        {
            if (!w.HasRoomForBlock)
            {
                return false;
            }

            var off = i * codec.PayloadCapacity;
            var len = Math.Min(codec.PayloadCapacity, bytes.Length - off);
            bytes.AsSpan(off, len).CopyTo(block.AsSpan(BlockHeader.Size));
            codec.Seal(block, new BlockHeader(BlockKind.Catalog, CompressionKind.Deflate, BlockFlags.None, trailer.BackupId, i + 1, trailer.Epoch, off, segment, len, len));
            w.WriteBlock(block);
        }

        if (!w.HasRoomForBlock)
        {
            return false;
        }

        var t = SpoolJson.Serialize(trailer);
        if (t.Length > codec.PayloadCapacity)
        {
            throw new InvalidOperationException("trailer does not fit one block; use a larger block size");
        }

        Array.Clear(block);
        t.CopyTo(block, BlockHeader.Size);
        codec.Seal(block, new BlockHeader(BlockKind.Trailer, CompressionKind.None, BlockFlags.None, trailer.BackupId, blocks + 1, trailer.Epoch, 0, segment, t.Length, t.Length), allowEncryption: false);
        w.WriteBlock(block);
        w.Close();
        return true;
    }
}
