using Spool.DataPath.Native;

namespace Spool.DataPath.Drives;

internal sealed class TapeFileWriter(ITapeDevice device, TapeFileAddress address, int blockSize) : ITapeFileWriter
{
    private bool closed;

    public TapeFileAddress Address { get; } = address;

    public long BlocksWritten { get; private set; }

    public bool HasRoomForBlock => true;

    public void WriteBlock(ReadOnlySpan<byte> block)
    {
        if (block.Length != blockSize)
        {
            throw new ArgumentException($"block must be exactly {blockSize} bytes");
        }

        ObjectDisposedException.ThrowIf(closed, this);
        try
        {
            device.Write(block);
        }
        catch (IOException e) when (e.HResult == Posix.Enospc)
        {
            throw new DriveException($"medium full at {Address}", e);
        }

        BlocksWritten++;
    }

    // MTWEOF with a count of 0 writes no mark but flushes the drive's buffer to the medium.
    public void Sync() => device.Operation(MtOperation.Weof, 0);

    public void Close()
    {
        if (!closed)
        {
            device.Operation(MtOperation.Weof, 1);
            closed = true;
        }
    }

    public void Dispose() => closed = true;
}
