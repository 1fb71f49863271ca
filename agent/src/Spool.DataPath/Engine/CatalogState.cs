namespace Spool.DataPath;

/// <summary>The running catalog at a checkpoint: how many entries are journaled on the drive and a chained SHA-256 over them.</summary>
public sealed record CatalogState(long Entries, string Digest);
