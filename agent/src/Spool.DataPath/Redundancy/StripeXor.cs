using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Spool.DataPath.Redundancy;

/// <summary>XOR of whole blocks with the widest vectors the CPU has, and a scalar tail.</summary>
public static class StripeXor
{
    /// <summary><paramref name="accumulator"/> ^= <paramref name="source"/> over the accumulator's length.</summary>
    public static void Xor(Span<byte> accumulator, ReadOnlySpan<byte> source)
    {
        if (source.Length < accumulator.Length)
        {
            throw new ArgumentException("source is shorter than the accumulator", nameof(source));
        }

        var i = 0;
        var n = accumulator.Length;
        ref var a = ref MemoryMarshal.GetReference(accumulator);
        ref var s = ref MemoryMarshal.GetReference(source);
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + Vector512<byte>.Count <= n; i += Vector512<byte>.Count)
            {
                var v = Vector512.LoadUnsafe(ref a, (nuint)i) ^ Vector512.LoadUnsafe(ref s, (nuint)i);
                v.StoreUnsafe(ref a, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + Vector256<byte>.Count <= n; i += Vector256<byte>.Count)
            {
                var v = Vector256.LoadUnsafe(ref a, (nuint)i) ^ Vector256.LoadUnsafe(ref s, (nuint)i);
                v.StoreUnsafe(ref a, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            accumulator[i] ^= source[i];
        }
    }
}
