using System.Collections.Immutable;

namespace Spool.ApiServer;

/// <summary>Served resource types: the built-ins plus those derived from stored CRDs. Readers see immutable snapshots.</summary>
public sealed class ResourceRegistry
{
    private ImmutableList<ResourceType> builtins;
    private ImmutableDictionary<string, ImmutableList<ResourceType>> custom = ImmutableDictionary<string, ImmutableList<ResourceType>>.Empty;

    public ResourceRegistry(IEnumerable<ResourceType> builtins) => this.builtins = [.. builtins];

    private ImmutableList<ResourceType>? all;

    public IReadOnlyList<ResourceType> All => Volatile.Read(ref all) ?? Rebuild();

    private ImmutableList<ResourceType> Rebuild()
    {
        var rebuilt = ImmutableList.CreateRange(builtins.Concat(Volatile.Read(ref custom).OrderBy(c => c.Key, StringComparer.Ordinal).SelectMany(c => c.Value)));
        Volatile.Write(ref all, rebuilt);
        return rebuilt;
    }

    public ResourceType? Find(string group, string version, string plural)
    {
        foreach (var t in All)
        {
            if (t.Group == group && t.Version == version && t.Plural == plural)
            {
                return t;
            }
        }

        return null;
    }

    public ResourceType? FindByKind(string apiVersion, string kind) =>
        All.FirstOrDefault(t => t.ApiVersion == apiVersion && t.Kind == kind);

    public IEnumerable<ResourceType> VersionsOf(string storageKey) => All.Where(t => t.StorageKey == storageKey);

    public void SetCustom(string crdName, IReadOnlyList<ResourceType> types)
    {
        ImmutableInterlocked.Update(ref custom, c => types.Count == 0 ? c.Remove(crdName) : c.SetItem(crdName, [.. types]));
        Rebuild();
    }

    public void RemoveCustom(string crdName)
    {
        ImmutableInterlocked.Update(ref custom, c => c.Remove(crdName));
        Rebuild();
    }

    public void AddBuiltin(ResourceType type)
    {
        ImmutableInterlocked.Update(ref builtins, b => b.Add(type));
        Rebuild();
    }
}
