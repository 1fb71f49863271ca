namespace Spool.DataPath.Drives;

public interface ITapeFileWriter : IDisposable
{
    TapeFileAddress Address { get; }

    long BlocksWritten { get; }

    /// <summary>False when the medium's capacity would be exceeded by one more block ("medium full").</summary>
    bool HasRoomForBlock { get; }

    /// <summary>Writes exactly one block of the drive's block size.</summary>
    void WriteBlock(ReadOnlySpan<byte> block);

    /// <summary>Everything written so far is on stable storage when this returns (flush + fsync, or a tape file mark flush).</summary>
    void Sync();

    /// <summary>
    /// Starts making everything written so far durable; the task completes when it is. Blocks written after this call
    /// may reach the medium before then. A writer that cannot overlap the two syncs before it returns.
    /// </summary>
    Task BeginSync()
    {
        Sync();
        return Task.CompletedTask;
    }

    /// <summary>Syncs and ends the tape file (a file mark).</summary>
    void Close();
}
