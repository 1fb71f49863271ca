namespace Spool.Agent.Host.Streaming;

/// <summary>What a read-back of a backup found. <see cref="DegradedMembers"/> names redundancy members that were missing or rebuilt.</summary>
public sealed record VerifySummary(bool Ok, string? CatalogDigest, long Files, long Bytes, IReadOnlyList<string> Problems)
{
    public IReadOnlyList<string> DegradedMembers { get; init; } = [];
}
