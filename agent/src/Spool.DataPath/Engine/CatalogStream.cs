using System.IO.Compression;
using System.Text.Json;

namespace Spool.DataPath;

/// <summary>
/// The compressed catalog document, built while the backup runs: each entry goes in when it is journaled, as the same
/// JSON bytes as its journal line, so the end of a backup only closes the document. Serialising and compressing tens of
/// thousands of entries after the last data block was a serial tail of several percent of a backup's time. The bytes
/// decode to the <see cref="Catalog.CatalogDocument"/> that serialising the whole document gives.
/// </summary>
internal sealed class CatalogStream : IDisposable
{
    private readonly MemoryStream compressed = new();
    private readonly DeflateStream deflate;
    private readonly Utf8JsonWriter json;
    private bool finished;

    public CatalogStream(Guid backupId)
    {
        deflate = new DeflateStream(compressed, CompressionLevel.Fastest, leaveOpen: true);
        json = new Utf8JsonWriter(deflate);
        json.WriteStartObject();
        json.WriteString("backupId", backupId);
        json.WriteStartArray("entries");
    }

    public int Count { get; private set; }

    /// <summary>Appends one entry, serialised with <see cref="SpoolJson"/>.</summary>
    public void Add(ReadOnlySpan<byte> entryJson)
    {
        ObjectDisposedException.ThrowIf(finished, this);
        json.WriteRawValue(entryJson, skipInputValidation: true);
        Count++;
    }

    /// <summary>Hands what is buffered to the compressor, so that the work is spread over the backup.</summary>
    public void Flush() => json.Flush();

    /// <summary>Closes the document with the block index and returns the compressed bytes.</summary>
    public byte[] Finish(IReadOnlyList<long[]> blockIndex)
    {
        ObjectDisposedException.ThrowIf(finished, this);
        finished = true;
        json.WriteEndArray();
        json.WritePropertyName("blockIndex");
        JsonSerializer.Serialize(json, blockIndex, SpoolJson.Options);
        json.WriteEndObject();
        json.Dispose();
        deflate.Dispose();
        return compressed.ToArray();
    }

    public void Dispose()
    {
        if (!finished)
        {
            finished = true;
            json.Dispose();
            deflate.Dispose();
        }
    }
}
