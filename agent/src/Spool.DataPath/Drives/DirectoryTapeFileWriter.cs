using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Spool.DataPath.Native;

namespace Spool.DataPath.Drives;

/// <summary>
/// Appends blocks to one tape file of a directory drive. Where the file system allows it, blocks are gathered in an
/// aligned staging buffer and written with direct I/O in runs of about 4 MiB: copying a backup through the page cache
/// cost more CPU than hashing it, and the data must reach the device at the next checkpoint anyway. Otherwise (or when
/// the block size is not a multiple of 4 KiB) blocks are written through the page cache and writeback is started behind
/// them. Either way <see cref="Sync"/> writes out everything accepted so far and fsyncs.
/// </summary>
internal sealed class DirectoryTapeFileWriter : ITapeFileWriter
{
    private const long WritebackChunk = 8L << 20;
    private const int StagingBytes = 4 << 20;
    private const int Alignment = 4096;
    private readonly SafeFileHandle handle;
    private readonly int blockSize;
    private readonly long? room;
    private readonly byte[]? staging;
    private readonly int stagingStart;
    private readonly int stagingCapacity;
    private bool direct;
    private int staged;
    private long offset;
    private long kicked;
    private bool closed;

    public DirectoryTapeFileWriter(SafeFileHandle handle, TapeFileAddress address, int blockSize, long? room)
    {
        this.handle = handle;
        this.blockSize = blockSize;
        this.room = room;
        Address = address;
        if (blockSize % Alignment == 0 && Posix.TrySetDirectIo(handle, on: true))
        {
            direct = true;
            stagingCapacity = Math.Max(1, StagingBytes / blockSize) * blockSize;

            // A pinned array never moves, so the aligned window found once stays aligned.
            staging = GC.AllocateUninitializedArray<byte>(stagingCapacity + Alignment, pinned: true);
            var address0 = Marshal.UnsafeAddrOfPinnedArrayElement(staging, 0);
            stagingStart = (int)((Alignment - (address0 % Alignment)) % Alignment);
        }
    }

    public TapeFileAddress Address { get; }

    public long BlocksWritten => offset / blockSize;

    public bool HasRoomForBlock => room is not { } r || offset + blockSize <= r;

    /// <summary>True while blocks go to the device with direct I/O (false after a fallback to the page cache).</summary>
    internal bool DirectIo => direct;

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

        if (staging is not null)
        {
            block.CopyTo(staging.AsSpan(stagingStart + staged));
            staged += blockSize;
            offset += blockSize;
            if (staged == stagingCapacity)
            {
                WriteStaged();
            }

            return;
        }

        RandomAccess.Write(handle, block, offset);
        offset += blockSize;
        StartWriteback();
    }

    public void Sync()
    {
        WriteStaged();
        Posix.Fsync(handle);
    }

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
        if (!closed)
        {
            // Abandoned without Close (a failed or fenced backup): what was accepted still goes to the file, as it did
            // when every block was written at once; nothing waits for it to be durable.
            try
            {
                WriteStaged();
            }
            catch (IOException)
            {
            }
        }

        closed = true;
        handle.Dispose();
    }

    private void WriteStaged()
    {
        if (staging is null || staged == 0)
        {
            return;
        }

        var data = staging.AsSpan(stagingStart, staged);
        var at = offset - staged;
        if (direct)
        {
            try
            {
                RandomAccess.Write(handle, data, at);
            }
            catch (IOException e) when (e.HResult == Posix.Einval)
            {
                // The file system refused direct I/O for this file after all: continue through the page cache.
                direct = false;
                Posix.TrySetDirectIo(handle, on: false);
                RandomAccess.Write(handle, data, at);
            }
        }
        else
        {
            RandomAccess.Write(handle, data, at);
            StartWriteback();
        }

        staged = 0;
    }

    // Keep the kernel writing back behind us, so the fsync at a checkpoint waits for a small tail only.
    private void StartWriteback()
    {
        if (offset - kicked >= WritebackChunk)
        {
            Posix.StartWriteback(handle, kicked, offset - kicked);
            kicked = offset;
        }
    }
}
