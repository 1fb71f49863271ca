using Microsoft.Win32.SafeHandles;
using Spool.DataPath.Native;

namespace Spool.DataPath.Drives;

/// <summary>
/// Appends blocks to one tape file of a directory drive. Where the file system allows it, blocks are gathered in an
/// aligned staging buffer and written with direct I/O in runs of about 4 MiB: copying a backup through the page cache
/// cost more CPU than hashing it, and the data must reach the device at the next checkpoint anyway. Runs queue for a
/// writer thread of the file's own (<see cref="StagedRunWriter"/>), so the caller does not wait for the device unless
/// it is slower than the caller. Otherwise (or when the block size is not a multiple of 4 KiB) blocks are
/// written through the page cache and writeback is started behind them. Either way <see cref="Sync"/> waits until
/// everything accepted so far is written, then fsyncs.
/// </summary>
internal sealed class DirectoryTapeFileWriter : ITapeFileWriter
{
    private const long WritebackChunk = 8L << 20;
    private const int StagingBytes = 4 << 20;
    private const int StagingDepth = 4;
    private const int FirstRunBytes = 512 << 10;
    private readonly SafeFileHandle handle;
    private readonly int blockSize;
    private readonly long? room;
    private readonly StagedRunWriter? runs;
    private volatile bool direct; // cleared by the run writer thread when the file system refuses direct I/O
    private int active = -1;
    private int staged;
    private int runTarget;
    private long offset;
    private long kicked;
    private bool closed;

    public DirectoryTapeFileWriter(SafeFileHandle handle, TapeFileAddress address, int blockSize, long? room)
    {
        this.handle = handle;
        this.blockSize = blockSize;
        this.room = room;
        Address = address;
        if (blockSize % StagingBuffers.Alignment == 0 && Posix.TrySetDirectIo(handle, on: true))
        {
            direct = true;
            runs = new StagedRunWriter(Math.Max(1, StagingBytes / blockSize) * blockSize, StagingDepth, WriteRun);
            runTarget = FirstRunTarget;
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

        if (runs is not null)
        {
            if (active < 0)
            {
                active = runs.Rent();
            }

            block.CopyTo(runs.Slot(active)[staged..]);
            staged += blockSize;
            offset += blockSize;
            if (staged >= runTarget)
            {
                SubmitStaged();
                runTarget = Math.Min(runs.Capacity, runTarget * 2);
            }

            return;
        }

        RandomAccess.Write(handle, block, offset);
        offset += blockSize;
        StartWriteback(offset);
    }

    public void Sync()
    {
        SubmitStaged();
        if (runs is not null)
        {
            runTarget = FirstRunTarget;
            runs.Drain();
        }

        Posix.Fsync(handle);
    }

    /// <summary>The fsync queues behind the runs written so far, and runs written after this call queue behind it.</summary>
    public Task BeginSync()
    {
        if (runs is null)
        {
            Sync();
            return Task.CompletedTask;
        }

        SubmitStaged();
        runTarget = FirstRunTarget;
        return runs.Barrier(() => Posix.Fsync(handle));
    }

    public void Close()
    {
        if (!closed)
        {
            Sync();
            closed = true;
            runs?.Dispose();
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
                SubmitStaged();
            }
            catch (IOException)
            {
            }

            closed = true;
            runs?.Dispose();
        }

        handle.Dispose();
    }

    /// <summary>
    /// After opening or a sync the queue is empty and the device idle, so the first runs are short and each next one
    /// twice as long, up to a full buffer: a parity member gets one block in k+1, and waiting for a full 4 MiB run of
    /// each member left the disk idle after every checkpoint for as long as 16 MiB of input took.
    /// </summary>
    private int FirstRunTarget => Math.Min(runs!.Capacity, Math.Max(1, FirstRunBytes / blockSize) * blockSize);

    /// <summary>Queues the staging buffer being filled, if it holds anything.</summary>
    private void SubmitStaged()
    {
        if (runs is null || active < 0)
        {
            return;
        }

        if (staged == 0)
        {
            runs.Return(active);
        }
        else
        {
            runs.Submit(active, staged, offset - staged);
        }

        active = -1;
        staged = 0;
    }

    private void WriteRun(ReadOnlySpan<byte> data, long at)
    {
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
            StartWriteback(at + data.Length);
        }
    }

    // Keep the kernel writing back behind us, so the fsync at a checkpoint waits for a small tail only.
    private void StartWriteback(long end)
    {
        if (end - kicked >= WritebackChunk)
        {
            Posix.StartWriteback(handle, kicked, end - kicked);
            kicked = end;
        }
    }
}
