using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Spool.DataPath.Drives;

/// <summary>
/// Pinned, page-aligned staging buffers for direct I/O, kept for reuse: a parity set opens new member files at every
/// checkpoint, and fresh 4 MiB buffers each time cost page faults and pinned-heap growth.
/// </summary>
internal static class StagingBuffers
{
    public const int Alignment = 4096;
    private const int Keep = 16;
    private static readonly ConcurrentBag<byte[]> Spare = [];

    /// <summary>A buffer with at least <paramref name="capacity"/> bytes from an aligned start.</summary>
    public static (byte[] Buffer, int Start) Rent(int capacity)
    {
        var buffer = Spare.TryTake(out var b) && b.Length >= capacity + Alignment ? b : GC.AllocateUninitializedArray<byte>(capacity + Alignment, pinned: true);

        // A pinned array never moves, so the aligned window found once stays aligned.
        var address = Marshal.UnsafeAddrOfPinnedArrayElement(buffer, 0);
        return (buffer, (int)((Alignment - (address % Alignment)) % Alignment));
    }

    public static void Return(byte[] buffer)
    {
        if (Spare.Count < Keep)
        {
            Spare.Add(buffer);
        }
    }
}
