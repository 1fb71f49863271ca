using System.IO.Compression;

namespace Spool.DataPath.Format;

/// <summary>
/// Compresses raw bytes into one block's payload. Each block is an independent Deflate or Brotli stream, so any block
/// decodes on its own. Input arrives in chunks that are sync-flushed, which lets the caller stop before the payload
/// would overflow: a chunk is accepted only while output + chunk + margin still fits.
/// </summary>
internal sealed class BlockCompressor : IDisposable
{
    public const int ChunkSize = 16 * 1024;
    private const int Margin = 128;
    private readonly CompressionKind kind;
    private readonly int capacity;
    private readonly int maxRaw;
    private readonly MemoryStream deflateOutput;
    private readonly byte[] brotliOutput;
    private readonly byte[] rawCopy;
    private DeflateStream? deflate;
    private BrotliEncoder brotli;
    private int brotliLength;
    private bool open;

    public BlockCompressor(CompressionKind kind, int capacity, int maxRaw)
    {
        if (kind == CompressionKind.None)
        {
            throw new ArgumentException("no compression requested");
        }

        this.kind = kind;
        this.capacity = capacity;
        this.maxRaw = maxRaw;
        deflateOutput = new MemoryStream(capacity * 2);
        brotliOutput = new byte[capacity * 2];
        rawCopy = new byte[maxRaw];
    }

    /// <summary>The raw bytes of the current block, for the rare block whose compressed form does not fit after all.</summary>
    public ReadOnlySpan<byte> Raw => rawCopy.AsSpan(0, RawLength);

    public int RawLength { get; private set; }

    public bool IsEmpty => RawLength == 0;

    private int OutputLength => kind == CompressionKind.Deflate ? (int)deflateOutput.Length : brotliLength;

    public bool CanAccept(int chunk) => OutputLength + chunk + Margin <= capacity && RawLength + chunk <= maxRaw;

    public void Add(ReadOnlySpan<byte> chunk)
    {
        chunk.CopyTo(rawCopy.AsSpan(RawLength));
        RawLength += chunk.Length;
        if (!open)
        {
            Start();
        }

        if (kind == CompressionKind.Deflate)
        {
            deflate!.Write(chunk);
            deflate.Flush();
        }
        else
        {
            while (!chunk.IsEmpty)
            {
                var status = brotli.Compress(chunk, brotliOutput.AsSpan(brotliLength), out var consumed, out var written, isFinalBlock: false);
                if (status == System.Buffers.OperationStatus.InvalidData)
                {
                    throw new InvalidOperationException("brotli encoder failed");
                }

                chunk = chunk[consumed..];
                brotliLength += written;
            }

            while (true)
            {
                var status = brotli.Flush(brotliOutput.AsSpan(brotliLength), out var written);
                brotliLength += written;
                if (status == System.Buffers.OperationStatus.Done)
                {
                    break;
                }
            }
        }

    }

    /// <summary>
    /// Ends the stream and copies it into <paramref name="payload"/>; returns its length, or -1 when it does not fit
    /// (the encoder may hold back output despite the flush): the caller then stores <see cref="Raw"/> uncompressed.
    /// </summary>
    public int Finish(Span<byte> payload)
    {
        if (!open)
        {
            Start();
        }

        int length;
        if (kind == CompressionKind.Deflate)
        {
            deflate!.Dispose();
            deflate = null;
            length = (int)deflateOutput.Length;
            if (length > payload.Length)
            {
                open = false;
                return -1;
            }

            deflateOutput.GetBuffer().AsSpan(0, length).CopyTo(payload);
        }
        else
        {
            while (true)
            {
                var status = brotli.Compress(ReadOnlySpan<byte>.Empty, brotliOutput.AsSpan(brotliLength), out _, out var written, isFinalBlock: true);
                brotliLength += written;
                if (status == System.Buffers.OperationStatus.Done)
                {
                    break;
                }
            }

            brotli.Dispose();
            length = brotliLength;
            if (length > payload.Length)
            {
                open = false;
                return -1;
            }

            brotliOutput.AsSpan(0, length).CopyTo(payload);
        }

        open = false;
        return length;
    }

    /// <summary>Forgets the current block's raw bytes once the caller has written them.</summary>
    public void Reset() => RawLength = 0;

    private void Start()
    {
        if (kind == CompressionKind.Deflate)
        {
            deflateOutput.SetLength(0);
            deflate = new DeflateStream(deflateOutput, CompressionLevel.Fastest, leaveOpen: true);
        }
        else
        {
            brotliLength = 0;
            brotli = new BrotliEncoder(quality: 1, window: 22);
        }

        open = true;
    }

    public static int Decompress(CompressionKind kind, byte[] payload, int offset, int length, Span<byte> raw)
    {
        switch (kind)
        {
            case CompressionKind.None:
                payload.AsSpan(offset, length).CopyTo(raw);
                return length;
            case CompressionKind.Deflate:
            {
                using var input = new MemoryStream(payload, offset, length, writable: false);
                using var inflate = new DeflateStream(input, CompressionMode.Decompress);
                var total = 0;
                while (total < raw.Length)
                {
                    var n = inflate.Read(raw[total..]);
                    if (n == 0)
                    {
                        break;
                    }

                    total += n;
                }

                return total;
            }

            case CompressionKind.Brotli:
                if (!BrotliDecoder.TryDecompress(payload.AsSpan(offset, length), raw, out var written))
                {
                    throw new InvalidDataException("brotli payload does not decode");
                }

                return written;
            default:
                throw new InvalidDataException($"unknown codec {(byte)kind}");
        }
    }

    public void Dispose()
    {
        deflate?.Dispose();
        if (open && kind == CompressionKind.Brotli)
        {
            brotli.Dispose();
        }

        deflateOutput.Dispose();
    }
}
