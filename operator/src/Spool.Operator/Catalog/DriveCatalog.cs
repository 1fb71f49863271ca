using Spool.Api.V1Alpha1;

namespace Spool.Operator.Catalog;

/// <summary>The catalog of one drive as stored in its ConfigMap.</summary>
public sealed record DriveCatalog
{
    public string Drive { get; init; } = "";

    /// <summary>Every entry, in (namespace, claim, time) order.</summary>
    public IReadOnlyList<CatalogEntry> Entries { get; init; } = [];

    /// <summary>Backup ids the agent reports reclaimed (tape files deleted).</summary>
    public IReadOnlyList<string> Reclaimed { get; init; } = [];

    /// <summary>Tombstones of expired backup ids, newest last.</summary>
    public IReadOnlyList<string> Expired { get; init; } = [];

    public MediumState Medium { get; init; } = MediumState.Empty;

    /// <summary>Backups that left this catalog, by schedule key (<c>namespace/name</c>), counted on the first drive of each backup.</summary>
    public IReadOnlyDictionary<string, ExpiryTally> Tallies { get; init; } = new Dictionary<string, ExpiryTally>();

    /// <summary>resourceVersion of the ConfigMap it was read from; null when it does not exist yet.</summary>
    public string? ResourceVersion { get; init; }

    /// <summary>Equal content, ignoring the resourceVersion and entry order.</summary>
    public bool SameContentAs(DriveCatalog other) =>
        Drive == other.Drive
        && Medium == other.Medium
        && Reclaimed.SequenceEqual(other.Reclaimed)
        && Expired.SequenceEqual(other.Expired)
        && Tallies.Count == other.Tallies.Count
        && Tallies.All(t => other.Tallies.TryGetValue(t.Key, out var o) && o == t.Value)
        && CatalogConfigMaps.Canonical(Entries).SequenceEqual(CatalogConfigMaps.Canonical(other.Entries), CatalogEntryComparer.Instance);
}
