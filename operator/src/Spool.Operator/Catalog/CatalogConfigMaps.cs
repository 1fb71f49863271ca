using System.Text.Json;
using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;

namespace Spool.Operator.Catalog;

/// <summary>Reads and writes a <see cref="DriveCatalog"/> as the ConfigMap <c>spool-catalog-&lt;drive&gt;</c>.</summary>
public static class CatalogConfigMaps
{
    public static DriveCatalog Read(string drive, ConfigMap? configMap)
    {
        if (configMap is null)
        {
            return new DriveCatalog { Drive = drive };
        }

        var data = configMap.Data ?? new Dictionary<string, string>();
        var entries = new List<CatalogEntry>();
        foreach (var (key, value) in data)
        {
            if (CatalogNames.IsSourceKey(key))
            {
                entries.AddRange(ParseList<CatalogEntry>(value));
            }
        }

        return new DriveCatalog
        {
            Drive = drive,
            Entries = Canonical(entries),
            Reclaimed = data.TryGetValue(CatalogNames.ReclaimedKey, out var reclaimed) ? ParseList<string>(reclaimed) : [],
            Expired = data.TryGetValue(CatalogNames.ExpiredKey, out var expired) ? ParseList<string>(expired) : [],
            Tallies = data.TryGetValue(CatalogNames.TalliesKey, out var tallies) ? ParseTallies(tallies) : new Dictionary<string, ExpiryTally>(),
            Medium = data.TryGetValue(CatalogNames.MediumKey, out var medium) && Enum.TryParse<MediumState>(medium, out var m) ? m : MediumState.Empty,
            ResourceVersion = configMap.Metadata.ResourceVersion,
        };
    }

    /// <summary>
    /// The ConfigMap for <paramref name="catalog"/>. The agent-written <c>reclaimed</c> and <c>mediumReuse</c> keys are
    /// carried over from <paramref name="existing"/> unchanged, so that the operator never overwrites the agents' fields.
    /// </summary>
    public static ConfigMap Write(DriveCatalog catalog, string @namespace, ConfigMap? existing)
    {
        var data = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in Canonical(catalog.Entries).GroupBy(e => CatalogNames.SourceKey(e.Namespace, e.PersistentVolumeClaim)))
        {
            data[group.Key] = KubeJson.Serialize(group.ToList());
        }

        data[CatalogNames.MediumKey] = catalog.Medium.ToString();
        if (catalog.Expired.Count > 0)
        {
            data[CatalogNames.ExpiredKey] = KubeJson.Serialize(catalog.Expired);
        }

        if (catalog.Tallies.Count > 0)
        {
            data[CatalogNames.TalliesKey] = KubeJson.Serialize(new SortedDictionary<string, ExpiryTally>(catalog.Tallies.ToDictionary(), StringComparer.Ordinal));
        }

        foreach (var agentKey in new[] { CatalogNames.ReclaimedKey, CatalogNames.MediumReuseKey })
        {
            if (existing?.Data?.TryGetValue(agentKey, out var value) == true)
            {
                data[agentKey] = value;
            }
        }

        var labels = new Dictionary<string, string>(existing?.Metadata.Labels ?? new Dictionary<string, string>())
        {
            [BackupScheduleLabels.Catalog] = "true",
            [BackupScheduleLabels.Drive] = catalog.Drive,
        };
        var metadata = (existing?.Metadata ?? new ObjectMeta()) with
        {
            Name = CatalogNames.ConfigMapFor(catalog.Drive),
            Namespace = @namespace,
            Labels = labels,
            ResourceVersion = existing?.Metadata.ResourceVersion,
            ManagedFields = null,
        };
        return new ConfigMap { Metadata = metadata, Data = data };
    }

    /// <summary>Entries in (namespace, claim, time, id) order, so that equal catalogs serialise equally.</summary>
    public static IReadOnlyList<CatalogEntry> Canonical(IEnumerable<CatalogEntry> entries) =>
        entries
            .OrderBy(e => e.Namespace, StringComparer.Ordinal)
            .ThenBy(e => e.PersistentVolumeClaim, StringComparer.Ordinal)
            .ThenBy(e => e.Time)
            .ThenBy(e => e.BackupId, StringComparer.Ordinal)
            .ToList();

    private static Dictionary<string, ExpiryTally> ParseTallies(string json)
    {
        try
        {
            return KubeJson.Deserialize<Dictionary<string, ExpiryTally>>(json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static List<T> ParseList<T>(string json)
    {
        try
        {
            return KubeJson.Deserialize<List<T>>(json) ?? [];
        }
        catch (JsonException)
        {
            // A hand-edited key that no longer parses is dropped rather than wedging the whole catalog.
            return [];
        }
    }
}
