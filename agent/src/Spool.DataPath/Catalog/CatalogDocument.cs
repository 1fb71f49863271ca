namespace Spool.DataPath.Catalog;

/// <summary>The end-of-backup catalog: every member, and where each data block sits in the logical stream.</summary>
public sealed record CatalogDocument(
    Guid BackupId,
    IReadOnlyList<CatalogEntry> Entries,
    IReadOnlyList<long[]> BlockIndex);
