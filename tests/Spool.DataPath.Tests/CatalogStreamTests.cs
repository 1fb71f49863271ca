using System.IO.Compression;
using Spool.DataPath.Catalog;

namespace Spool.DataPath.Tests;

/// <summary>
/// The catalog built entry by entry during a backup must decode to exactly the document that serialising it whole
/// gives: restores and verifies read it with the document's own deserialiser.
/// </summary>
public sealed class CatalogStreamTests
{
    [TestCase(0)]
    [TestCase(1)]
    [TestCase(5000)]
    public void DecodesToTheWholeDocument(int count)
    {
        var rng = new Random(count);
        var entries = Enumerable.Range(0, count).Select(i => Entry(rng, i)).ToList();
        var index = Enumerable.Range(0, count / 3).Select(i => new long[] { i, i * 262_016L, 262_016 }).ToList();
        var id = Guid.NewGuid();

        using var stream = new CatalogStream(id);
        foreach (var chunk in entries.Chunk(700))
        {
            foreach (var e in chunk)
            {
                stream.Add(SpoolJson.Serialize(e));
            }

            stream.Flush();
        }

        stream.Count.Should().Be(count);
        var decoded = Decode(stream.Finish(index));
        decoded.BackupId.Should().Be(id);
        decoded.Entries.Should().Equal(entries);
        decoded.BlockIndex.Should().BeEquivalentTo(index, o => o.WithStrictOrdering());
        Decode(Whole(new CatalogDocument(id, entries, index))).Should().BeEquivalentTo(decoded, o => o.WithStrictOrdering());
    }

    [Test]
    public void NothingCanBeAddedAfterFinish()
    {
        using var stream = new CatalogStream(Guid.NewGuid());
        stream.Finish([]);
        var add = () => stream.Add(SpoolJson.Serialize(Entry(new Random(1), 0)));
        add.Should().Throw<ObjectDisposedException>();
    }

    private static CatalogEntry Entry(Random rng, int i) => new()
    {
        Path = i % 7 == 0 ? $"dir/ünï\ncode-{i}/\"quoted\"" : $"dir/file-{i}",
        Type = (EntryType)(i % 3),
        Size = rng.NextInt64(0, 1L << 40),
        Mode = (uint)rng.Next(0, 4096),
        Uid = (uint)rng.Next(),
        Gid = (uint)rng.Next(),
        MtimeNs = rng.NextInt64(),
        CtimeNs = rng.NextInt64(),
        SymlinkTarget = i % 5 == 0 ? "../target" : null,
        HardlinkGroup = i % 11 == 0 ? "dir/leader" : null,
        Links = (uint)(i % 4),
        Sha256 = i % 2 == 0 ? new string('a', 64) : null,
    };

    private static byte[] Whole(CatalogDocument document)
    {
        var compressed = new MemoryStream();
        using (var z = new DeflateStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            System.Text.Json.JsonSerializer.Serialize(z, document, SpoolJson.Options);
        }

        return compressed.ToArray();
    }

    private static CatalogDocument Decode(byte[] bytes)
    {
        using var z = new DeflateStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        z.CopyTo(plain);
        return SpoolJson.Deserialize<CatalogDocument>(plain.ToArray());
    }
}
