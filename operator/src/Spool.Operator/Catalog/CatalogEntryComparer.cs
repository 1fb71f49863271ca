using Spool.Api;
using Spool.Api.V1Alpha1;

namespace Spool.Operator.Catalog;

/// <summary>Value equality of entries (records compare lists by reference, so compare their JSON).</summary>
public sealed class CatalogEntryComparer : IEqualityComparer<CatalogEntry>
{
    public static CatalogEntryComparer Instance { get; } = new();

    public bool Equals(CatalogEntry? x, CatalogEntry? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && KubeJson.Serialize(x) == KubeJson.Serialize(y));

    public int GetHashCode(CatalogEntry obj) => StringComparer.Ordinal.GetHashCode(obj.BackupId);
}
