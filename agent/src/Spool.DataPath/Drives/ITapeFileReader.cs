namespace Spool.DataPath.Drives;

public interface ITapeFileReader : IDisposable
{
    TapeFileAddress Address { get; }

    /// <summary>
    /// Reads block <paramref name="index"/> (0-based within the file), or only its first <c>block.Length</c> bytes when the span
    /// is shorter (header scans). False past the end of the file or on a short block.
    /// </summary>
    bool TryReadBlock(long index, Span<byte> block);
}
