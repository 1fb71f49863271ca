namespace Spool.DataPath.Catalog;

/// <summary>Data block <see cref="Sequence"/> carries logical stream bytes [Offset, Offset + Length).</summary>
public readonly record struct BlockIndexEntry(long Sequence, long Offset, int Length);
