using Microsoft.Win32.SafeHandles;
using Spool.DataPath.Native;

namespace Spool.DataPath.Drives;

internal sealed class DirectoryTapeFileWriter : ITapeFileWriter
{
    private readonly SafeFileHandle handle;
    private readonly int blockSize;
    private readonly long? room;
    private const long WritebackChunk = 8L << 20;
    private long offset;
    private long kicked;
    private bool closed;

    public DirectoryTapeFileWriter(SafeFileHandle handle, TapeFileAddress address, int blockSize, long? room)
    {
        this.handle = handle;
        this.blockSize = blockSize;
        this.room = room;
        Address = address;
    }

    public TapeFileAddress Address { get; }

    public long BlocksWritten => offset / blockSize;

    public bool HasRoomForBlock => room is not { } r || offset + blockSize <= r;

    public void WriteBlock(ReadOnlySpan<byte> block)
    {
        if (block.Length != blockSize)
        {
            throw new ArgumentException($"block must be exactly {blockSize} bytes");
        }

        ObjectDisposedException.ThrowIf(closed, this);
        if (!HasRoomForBlock)
        {
            throw new DriveException($"medium full at {Address}");
        }

        RandomAccess.Write(handle, block, offset);
        offset += blockSize;

        // Keep the kernel writing back behind us, so the fsync at a checkpoint waits for a small tail only.
        if (offset - kicked >= WritebackChunk)
        {
            Posix.StartWriteback(handle, kicked, offset - kicked);
            kicked = offset;
        }
    }

    public void Sync() => Posix.Fsync(handle);

    public void Close()
    {
        if (!closed)
        {
            Sync();
            closed = true;
            handle.Dispose();
        }
    }

    public void Dispose()
    {
        closed = true;
        handle.Dispose();
    }
}
