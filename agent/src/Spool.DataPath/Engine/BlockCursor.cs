using System.Threading.Channels;

namespace Spool.DataPath;

/// <summary>Forward-only view of the logical stream over the prefetched blocks; offsets asked for never decrease.</summary>
internal sealed class BlockCursor(ChannelReader<DecodedBlock> input, ChannelWriter<byte[]> pool)
{
    private DecodedBlock? current;

    /// <summary>Bytes available at <paramref name="offset"/> from one block (at most <paramref name="max"/>), or an error.</summary>
    public async ValueTask<(ReadOnlyMemory<byte> Data, string? Error)> NextAsync(long offset, long max, CancellationToken ct)
    {
        while (current is null || current.End <= offset)
        {
            if (current?.Buffer is { } b)
            {
                pool.TryWrite(b);
            }

            current = null;
            if (!await input.WaitToReadAsync(ct).ConfigureAwait(false) || !input.TryRead(out var next))
            {
                return (ReadOnlyMemory<byte>.Empty, $"no data for stream offset {offset}");
            }

            current = next;
        }

        if (current.Offset > offset)
        {
            return (ReadOnlyMemory<byte>.Empty, $"no data for stream offset {offset}");
        }

        if (current.Error is not null)
        {
            return (ReadOnlyMemory<byte>.Empty, current.Error);
        }

        var start = (int)(offset - current.Offset);
        var len = (int)Math.Min(max, current.Length - start);
        return (current.Buffer.AsMemory(current.Start + start, len), null);
    }

    public async ValueTask<string?> ReadAsync(long offset, Memory<byte> destination, CancellationToken ct)
    {
        var done = 0;
        while (done < destination.Length)
        {
            var (data, error) = await NextAsync(offset + done, destination.Length - done, ct).ConfigureAwait(false);
            if (error is not null)
            {
                return error;
            }

            data.CopyTo(destination[done..]);
            done += data.Length;
        }

        return null;
    }
}
