using Microsoft.Win32.SafeHandles;

namespace Spool.DataPath.Drives;

internal sealed class DirectoryTapeFileReader : ITapeFileReader
{
    private readonly SafeFileHandle handle;
    private readonly int blockSize;

    public DirectoryTapeFileReader(SafeFileHandle handle, TapeFileAddress address, int blockSize)
    {
        this.handle = handle;
        this.blockSize = blockSize;
        Address = address;
    }

    public TapeFileAddress Address { get; }

    public bool TryReadBlock(long index, Span<byte> block)
    {
        var total = 0;
        var offset = index * blockSize;
        var want = Math.Min(block.Length, blockSize);
        while (total < want)
        {
            var n = RandomAccess.Read(handle, block[total..want], offset + total);
            if (n == 0)
            {
                return false;
            }

            total += n;
        }

        return true;
    }

    public void Dispose() => handle.Dispose();
}
