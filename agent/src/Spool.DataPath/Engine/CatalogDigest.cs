using System.Security.Cryptography;

namespace Spool.DataPath;

/// <summary>Chained SHA-256 over the JSON of catalog entries in order: d(n) = SHA-256(d(n-1) || json(entry n)), d(0) = 32 zero bytes.</summary>
internal sealed class CatalogDigest
{
    private readonly byte[] state = new byte[32];
    private readonly byte[] scratch = new byte[32];
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public CatalogDigest()
    {
    }

    public CatalogDigest(string hex)
    {
        Convert.FromHexString(hex).CopyTo(state, 0);
    }

    public void Add(ReadOnlySpan<byte> entryJson)
    {
        // One hash object for every entry: GetHashAndReset leaves it ready for the next, and creating one per entry cost
        // more than hashing the entry.
        hash.AppendData(state);
        hash.AppendData(entryJson);
        hash.GetHashAndReset(scratch);
        scratch.CopyTo(state, 0);
    }

    public string Hex => Convert.ToHexStringLower(state);
}
