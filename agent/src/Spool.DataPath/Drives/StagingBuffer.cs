using System.Runtime.InteropServices;
using Spool.DataPath.Native;

namespace Spool.DataPath.Drives;

/// <summary>
/// Native memory for direct I/O, aligned to and sized in huge pages and advised for transparent huge pages. A direct
/// write pins every page of its buffer; pinning a 4 MiB run as 1,024 small pages cost more than the transfer itself
/// on a fast virtual disk (the device took runs about a quarter faster from huge pages). Where the kernel gives no
/// huge pages the memory works as ordinary pages.
/// </summary>
internal sealed unsafe class StagingBuffer : IDisposable
{
    public const int HugePageSize = 2 << 20;
    private byte* start;

    public StagingBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Length = checked((capacity + HugePageSize - 1) / HugePageSize * HugePageSize);
        start = (byte*)NativeMemory.AlignedAlloc((nuint)Length, HugePageSize);
        Posix.AdviseHugePages((nint)start, Length);
    }

    public int Length { get; }

    public Span<byte> Span
    {
        get
        {
            ObjectDisposedException.ThrowIf(start is null, this);
            return new Span<byte>(start, Length);
        }
    }

    public void Dispose()
    {
        if (start is not null)
        {
            NativeMemory.AlignedFree(start);
            start = null;
        }
    }
}
