using System.Text.Json;
using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.Kube;

namespace Spool.Agent.Host.Streaming;

/// <summary>
/// The base of an Incremental backup: the newest Complete backup of the same source in the operator's catalog
/// ConfigMaps (<c>spool-catalog-&lt;drive&gt;</c>, key <c>&lt;namespace&gt;_&lt;claim&gt;</c>) whose whole chain is Complete.
/// With none, the run is a Full backup, as docs/design.md says of schedules.
/// </summary>
public sealed class IncrementalBaseResolver(IKubernetesClient client, string catalogNamespace)
{
    public const string CatalogLabel = "spool.dev/catalog";

    public async Task<CatalogEntry?> LatestCompleteAsync(string @namespace, string claim, CancellationToken cancellationToken)
    {
        var byId = await EntriesAsync(@namespace, claim, cancellationToken).ConfigureAwait(false);
        return byId.Values
            .Where(e => e.State == CatalogEntryState.Complete && ChainComplete(byId, e))
            .OrderByDescending(e => e.Time)
            .ThenByDescending(e => e.BackupId, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    /// <summary>The entry a resumed incremental was started against (the checkpoint records only its Guid).</summary>
    public async Task<CatalogEntry?> FindAsync(string @namespace, string claim, Guid backupId, CancellationToken cancellationToken)
    {
        var byId = await EntriesAsync(@namespace, claim, cancellationToken).ConfigureAwait(false);
        return byId.Values.FirstOrDefault(e => BackupIds.ToGuid(e.BackupId) == backupId);
    }

    private async Task<Dictionary<string, CatalogEntry>> EntriesAsync(string @namespace, string claim, CancellationToken cancellationToken)
    {
        var maps = await client.ListAllAsync<ConfigMap>(catalogNamespace, new ListOptions { LabelSelector = CatalogLabel + "=true" }, cancellationToken).ConfigureAwait(false);
        var key = $"{@namespace}_{claim}";
        var byId = new Dictionary<string, CatalogEntry>(StringComparer.Ordinal);
        foreach (var map in maps.Items)
        {
            if (map.Data?.TryGetValue(key, out var json) != true || json is null)
            {
                continue;
            }

            List<CatalogEntry>? entries;
            try
            {
                entries = KubeJson.Deserialize<List<CatalogEntry>>(json);
            }
            catch (JsonException)
            {
                continue;
            }

            foreach (var entry in entries ?? [])
            {
                // A mirrored backup is listed by each drive: merge the drives, keep the least alive state.
                byId[entry.BackupId] = byId.TryGetValue(entry.BackupId, out var seen)
                    ? seen with { Drives = [.. seen.Drives.Union(entry.Drives, StringComparer.Ordinal)], State = (CatalogEntryState)Math.Max((int)seen.State, (int)entry.State) }
                    : entry;
            }
        }

        return byId;
    }

    private static bool ChainComplete(Dictionary<string, CatalogEntry> byId, CatalogEntry entry)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var current = entry;
        while (!string.IsNullOrEmpty(current.Parent))
        {
            if (!seen.Add(current.BackupId) || !byId.TryGetValue(current.Parent, out var parent) || parent.State != CatalogEntryState.Complete)
            {
                return false;
            }

            current = parent;
        }

        return true;
    }
}
