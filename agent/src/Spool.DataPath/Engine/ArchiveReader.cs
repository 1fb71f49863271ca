using System.IO.Compression;
using System.Security.Cryptography;
using Spool.DataPath.Catalog;
using Spool.DataPath.Drives;
using Spool.DataPath.Format;

namespace Spool.DataPath;

/// <summary>
/// Read access to one finished backup: its trailer (the newest-epoch one, and only if no newer epoch wrote data since),
/// its verified catalog, and verified blocks by sequence through the trailer's segment chain. Blocks outside the chain's
/// ranges (written after the last acknowledged checkpoint, or by a fenced writer) are never looked at.
/// </summary>
internal sealed class ArchiveReader : IDisposable
{
    private readonly Dictionary<string, IDrive> drives;
    private readonly Dictionary<(string, int, int), ITapeFileReader?> readers = [];
    private readonly Dictionary<(string, int, int), string> readerErrors = [];
    private readonly BlockCodec codec;
    private readonly long[] indexOffsets;

    private ArchiveReader(Dictionary<string, IDrive> drives, BlockCodec codec, BackupTrailer trailer, CatalogDocument catalog)
    {
        this.drives = drives;
        this.codec = codec;
        Trailer = trailer;
        Catalog = catalog;
        BlockIndex = catalog.BlockIndex.Select(a => new BlockIndexEntry(a[0], a[1], (int)a[2])).OrderBy(b => b.Offset).ToArray();
        indexOffsets = BlockIndex.Select(b => b.Offset).ToArray();
    }

    public BackupTrailer Trailer { get; }

    public CatalogDocument Catalog { get; }

    public BlockIndexEntry[] BlockIndex { get; }

    public int BlockSize => codec.BlockSize;

    /// <summary>Largest raw payload a data block can decode to.</summary>
    public int MaxRawLength => 8 * codec.PayloadCapacity;

    public static ArchiveReader Open(IReadOnlyList<IDrive> drives, Guid backupId, EncryptionKey? key)
    {
        var files = drives.SelectMany(d => DriveCatalog.ListFiles(d).Select(f => (Drive: d, File: f)))
            .Where(x => x.File.Header?.BackupId == backupId)
            .ToList();
        if (files.Count == 0)
        {
            throw new ArchiveException($"backup {backupId} not found on {string.Join(", ", drives.Select(d => d.Spec.Path))}");
        }

        var maxEpoch = files.Max(x => x.File.Header!.Epoch);
        var errors = new List<string>();
        foreach (var c in files.Where(x => x.File.Header!.Role == SegmentRole.Catalog).OrderByDescending(x => x.File.Header!.Epoch))
        {
            if (!DriveCatalog.TryReadTrailer(c.Drive, c.File, out var trailer))
            {
                errors.Add($"{c.File.Address} on {c.Drive.Id}: trailer unreadable");
                continue;
            }

            if (trailer.Epoch < maxEpoch)
            {
                throw new ArchiveException($"backup {backupId}: epoch {maxEpoch} wrote data after the catalog of epoch {trailer.Epoch}, and has not finished; refusing a superseded catalog");
            }

            if (trailer.KeyId is not null && key is null)
            {
                throw new ArchiveException($"backup {backupId} is encrypted with key '{trailer.KeyId}'; supply that key");
            }

            if (trailer.KeyId is not null && key!.KeyId != trailer.KeyId)
            {
                throw new ArchiveException($"backup {backupId} is encrypted with key '{trailer.KeyId}', not '{key.KeyId}'");
            }

            var codec = new BlockCodec(c.Drive.BlockSize, key);
            try
            {
                var catalog = ReadCatalog(c.Drive, c.File.Address, trailer, codec);
                return new ArchiveReader(drives.ToDictionary(d => d.Id, StringComparer.Ordinal), codec, trailer, catalog);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or System.Text.Json.JsonException)
            {
                codec.Dispose();
                errors.Add($"{c.File.Address} on {c.Drive.Id}: {e.Message}");
            }
        }

        throw new ArchiveException($"backup {backupId} has no usable catalog" + (errors.Count > 0 ? ": " + string.Join("; ", errors) : " (interrupted and never finished?)"));
    }

    private static CatalogDocument ReadCatalog(IDrive drive, TapeFileAddress address, BackupTrailer trailer, BlockCodec codec)
    {
        var bytes = new byte[trailer.CatalogBytes];
        var block = new byte[drive.BlockSize];
        using var reader = drive.OpenFile(address);
        var pos = 0;
        for (var i = 1; i <= trailer.CatalogBlocks; i++)
        {
            if (!reader.TryReadBlock(i, block))
            {
                throw new InvalidDataException($"catalog block {i} missing");
            }

            if (!codec.TryOpen(block, out var h, out var error))
            {
                throw new InvalidDataException($"catalog block {i}: {error}");
            }

            if (h.Kind != BlockKind.Catalog || h.Sequence != i || h.BackupId != trailer.BackupId || h.LogicalOffset != pos || pos + h.PayloadLength > bytes.Length)
            {
                throw new InvalidDataException($"catalog block {i} is out of place");
            }

            block.AsSpan(BlockHeader.Size, h.PayloadLength).CopyTo(bytes.AsSpan(pos));
            pos += h.PayloadLength;
        }

        if (pos != bytes.Length || Convert.ToHexStringLower(SHA256.HashData(bytes)) != trailer.CatalogSha256)
        {
            throw new InvalidDataException("catalog hash mismatch");
        }

        using var z = new DeflateStream(new MemoryStream(bytes), CompressionMode.Decompress);
        var doc = System.Text.Json.JsonSerializer.Deserialize<CatalogDocument>(z, SpoolJson.Options) ?? throw new InvalidDataException("empty catalog");
        if (doc.BackupId != trailer.BackupId)
        {
            throw new InvalidDataException("catalog belongs to another backup");
        }

        return doc;
    }

    /// <summary>Index into <see cref="BlockIndex"/> of the data block holding logical byte <paramref name="offset"/>, or -1.</summary>
    public int FindBlock(long offset)
    {
        var i = Array.BinarySearch(indexOffsets, offset);
        if (i < 0)
        {
            i = ~i - 1;
        }

        return i >= 0 && offset < BlockIndex[i].Offset + BlockIndex[i].Length ? i : -1;
    }

    public SegmentRef? SegmentOf(long sequence) =>
        Trailer.Chain.LastOrDefault(s => sequence >= s.FirstSequence && sequence < s.EndSequence);

    /// <summary>Reads and verifies block <paramref name="sequence"/>; the payload is decrypted in place.</summary>
    public bool TryReadBlock(long sequence, byte[] block, out BlockHeader header, out string? error)
    {
        header = default;
        var seg = SegmentOf(sequence);
        if (seg is null)
        {
            error = $"sequence {sequence} is outside the backup's segment chain";
            return false;
        }

        var reader = ReaderFor(seg, out error);
        if (reader is null)
        {
            return false;
        }

        var index = 1 + sequence - seg.FirstSequence;
        try
        {
            if (!reader.TryReadBlock(index, block))
            {
                error = $"block {sequence} missing (tape file {seg.Address} on {seg.DriveId} is truncated)";
                return false;
            }
        }
        catch (IOException e)
        {
            error = $"block {sequence}: read error {e.Message}";
            return false;
        }

        if (!codec.TryOpen(block, out header, out var why))
        {
            error = $"block {sequence} ({seg.Address} on {seg.DriveId}, block {index}): {why}";
            return false;
        }

        if (header.BackupId != Trailer.BackupId || header.Sequence != sequence || header.Epoch != seg.Epoch)
        {
            error = $"block {sequence}: header says backup {header.BackupId} sequence {header.Sequence} epoch {header.Epoch}, expected {Trailer.BackupId}/{sequence}/{seg.Epoch}";
            return false;
        }

        error = null;
        return true;
    }

    private ITapeFileReader? ReaderFor(SegmentRef seg, out string? error)
    {
        var key = (seg.DriveId, seg.Medium, seg.File);
        if (readers.TryGetValue(key, out var r))
        {
            error = r is null ? readerErrors[key] : null;
            return r;
        }

        error = null;
        if (!drives.TryGetValue(seg.DriveId, out var drive))
        {
            error = $"drive {seg.DriveId} holding segment {seg.Segment} is not available";
        }
        else
        {
            try
            {
                r = drive.OpenFile(seg.Address);
            }
            catch (IOException e)
            {
                error = e.Message;
            }
        }

        readers[key] = r;
        if (error is not null)
        {
            readerErrors[key] = error;
        }

        return r;
    }

    /// <summary>Decodes a verified data block's payload into <paramref name="raw"/>; returns the raw length.</summary>
    public static int DecodeData(byte[] block, in BlockHeader header, Span<byte> raw)
    {
        var n = BlockCompressor.Decompress(header.Codec, block, BlockHeader.Size, header.PayloadLength, raw);
        if (n != header.RawLength)
        {
            throw new InvalidDataException($"block {header.Sequence} decodes to {n} bytes, header says {header.RawLength}");
        }

        return n;
    }

    public void Dispose()
    {
        foreach (var r in readers.Values)
        {
            r?.Dispose();
        }

        codec.Dispose();
    }
}
