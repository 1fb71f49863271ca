namespace Spool.DataPath.Native;

/// <summary>The st driver surface Spool uses: MTIOCTOP, MTIOCGET and one-record reads and writes.</summary>
public interface ITapeDevice : IDisposable
{
    void Operation(MtOperation op, int count);

    MtGet Status();

    /// <summary>Reads one record; 0 at a file mark or the end of data.</summary>
    int Read(Span<byte> buffer);

    /// <summary>Writes one record. Throws <see cref="IOException"/> with ENOSPC at the end of the medium.</summary>
    void Write(ReadOnlySpan<byte> buffer);
}
