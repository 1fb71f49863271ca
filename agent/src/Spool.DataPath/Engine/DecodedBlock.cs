namespace Spool.DataPath;

/// <summary>A data block's raw bytes [Offset, Offset + Length) at Buffer[Start..], or why they are unavailable.</summary>
internal sealed record DecodedBlock(long Sequence, long Offset, int Length, byte[]? Buffer, int Start, string? Error)
{
    public long End => Offset + Length;
}
