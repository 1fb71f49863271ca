namespace Spool.Agent.Host.Streaming;

/// <summary>What a read-back of a backup found.</summary>
public sealed record VerifySummary(bool Ok, string? CatalogDigest, long Files, long Bytes, IReadOnlyList<string> Problems);
