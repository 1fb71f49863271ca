using System.Buffers.Binary;

namespace Spool.DataPath.Format;

/// <summary>The fixed 128-byte little-endian header at the start of every block; see docs/format.md.</summary>
public record struct BlockHeader(
    BlockKind Kind,
    CompressionKind Codec,
    BlockFlags Flags,
    Guid BackupId,
    long Sequence,
    long Epoch,
    long LogicalOffset,
    int Segment,
    int PayloadLength,
    int RawLength)
{
    public const int Size = 128;
    public const ushort CurrentVersion = 1;
    public const int CrcOffset = 68;
    public const int TagOffset = 72;
    public const int TagSize = 16;
    public const int NonceOffset = 88;
    public const int NonceSize = 12;

    public static ReadOnlySpan<byte> Magic => "SPOOLBLK"u8;

    public readonly void Write(Span<byte> header)
    {
        header[..Size].Clear();
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], CurrentVersion);
        header[10] = (byte)Kind;
        header[11] = (byte)Codec;
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], (uint)Flags);
        BackupId.TryWriteBytes(header[16..32]);
        BinaryPrimitives.WriteInt64LittleEndian(header[32..], Sequence);
        BinaryPrimitives.WriteInt64LittleEndian(header[40..], Epoch);
        BinaryPrimitives.WriteInt64LittleEndian(header[48..], LogicalOffset);
        BinaryPrimitives.WriteInt32LittleEndian(header[56..], Segment);
        BinaryPrimitives.WriteInt32LittleEndian(header[60..], PayloadLength);
        BinaryPrimitives.WriteInt32LittleEndian(header[64..], RawLength);
    }

    /// <summary>Parses the fields; integrity is checked by <see cref="BlockCodec"/>, not here.</summary>
    public static bool TryRead(ReadOnlySpan<byte> header, out BlockHeader value, out string? error)
    {
        value = default;
        if (header.Length < Size || !header[..8].SequenceEqual(Magic))
        {
            error = "bad magic";
            return false;
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(header[8..]);
        if (version != CurrentVersion)
        {
            error = $"unsupported format version {version}";
            return false;
        }

        value = new BlockHeader(
            (BlockKind)header[10],
            (CompressionKind)header[11],
            (BlockFlags)BinaryPrimitives.ReadUInt32LittleEndian(header[12..]),
            new Guid(header[16..32]),
            BinaryPrimitives.ReadInt64LittleEndian(header[32..]),
            BinaryPrimitives.ReadInt64LittleEndian(header[40..]),
            BinaryPrimitives.ReadInt64LittleEndian(header[48..]),
            BinaryPrimitives.ReadInt32LittleEndian(header[56..]),
            BinaryPrimitives.ReadInt32LittleEndian(header[60..]),
            BinaryPrimitives.ReadInt32LittleEndian(header[64..]));
        error = null;
        return true;
    }
}
