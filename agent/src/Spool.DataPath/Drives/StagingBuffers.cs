using System.Collections.Concurrent;

namespace Spool.DataPath.Drives;

/// <summary>
/// Staging buffers for direct I/O, kept for reuse: a parity set opens new member files at every checkpoint, and fresh
/// 4 MiB buffers each time cost page faults (and huge-page assembly) again.
/// </summary>
internal static class StagingBuffers
{
    /// <summary>The alignment direct I/O needs of buffers, offsets and lengths.</summary>
    public const int Alignment = 4096;
    private const int Keep = 16;
    private static readonly ConcurrentBag<StagingBuffer> Spare = [];

    /// <summary>A buffer of at least <paramref name="capacity"/> bytes.</summary>
    public static StagingBuffer Rent(int capacity)
    {
        while (Spare.TryTake(out var spare))
        {
            if (spare.Length >= capacity)
            {
                return spare;
            }

            spare.Dispose();
        }

        return new StagingBuffer(capacity);
    }

    public static void Return(StagingBuffer buffer)
    {
        if (Spare.Count < Keep)
        {
            Spare.Add(buffer);
        }
        else
        {
            buffer.Dispose();
        }
    }
}
