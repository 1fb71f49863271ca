using Spool.Api.V1Alpha1;

namespace Spool.Operator.Catalog;

/// <summary>Pure queries over catalog entries, for restores and for retention.</summary>
public static class CatalogQuery
{
    /// <summary>
    /// One entry per backup id across all drives' catalogs: a mirrored backup is listed by each of its drives. The
    /// state is the least alive one seen (Expiring on any drive means the backup is no longer restorable).
    /// </summary>
    public static IReadOnlyList<CatalogEntry> Merge(IEnumerable<DriveCatalog> catalogs)
    {
        var byId = new Dictionary<string, CatalogEntry>(StringComparer.Ordinal);
        foreach (var entry in catalogs.SelectMany(c => c.Entries))
        {
            if (!byId.TryGetValue(entry.BackupId, out var seen))
            {
                byId[entry.BackupId] = entry;
                continue;
            }

            var drives = seen.Drives.Union(entry.Drives, StringComparer.Ordinal).ToList();
            var state = (CatalogEntryState)Math.Max((int)seen.State, (int)entry.State);
            byId[entry.BackupId] = seen with { Drives = drives, State = state, ExpiryTime = seen.ExpiryTime ?? entry.ExpiryTime, ExpiryReason = seen.ExpiryReason ?? entry.ExpiryReason };
        }

        return CatalogConfigMaps.Canonical(byId.Values);
    }

    /// <summary>
    /// The latest complete backup of <paramref name="namespace"/>/<paramref name="claim"/> whose time is at or before
    /// <paramref name="before"/> (the latest of all when null) and whose whole incremental chain is complete, so that
    /// restoring it is possible. Null when there is none.
    /// </summary>
    public static CatalogEntry? LatestBefore(IReadOnlyList<CatalogEntry> entries, string @namespace, string claim, DateTimeOffset? before)
    {
        var byId = Index(entries);
        return entries
            .Where(e => e.Namespace == @namespace && e.PersistentVolumeClaim == claim && e.State == CatalogEntryState.Complete)
            .Where(e => before is not { } b || e.Time <= b)
            .OrderByDescending(e => e.Time)
            .ThenByDescending(e => e.BackupId, StringComparer.Ordinal)
            .FirstOrDefault(e => ChainOf(byId, e) is not null);
    }

    /// <summary>The backups a restore of <paramref name="backupId"/> reads, full first; null if any link is missing or not complete.</summary>
    public static IReadOnlyList<CatalogEntry>? Chain(IReadOnlyList<CatalogEntry> entries, string backupId)
    {
        var byId = Index(entries);
        return byId.TryGetValue(backupId, out var entry) ? ChainOf(byId, entry) : null;
    }

    /// <summary>
    /// The backups unfinished restores read, with their whole chains, which retention keeps: a restore's resolved
    /// backup, and for a federated restore the run's backups of every workload it has yet to restore (found through
    /// the run's child BackupJobs, <paramref name="jobs"/>).
    /// </summary>
    public static IReadOnlySet<string> Pinned(IEnumerable<RestoreJob> restores, IEnumerable<BackupJob> jobs, IReadOnlyList<CatalogEntry> entries)
    {
        var byJob = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var job in jobs)
        {
            if (job.Status?.Catalog?.BackupId is { Length: > 0 } id)
            {
                byJob[$"{job.Metadata.Namespace}/{job.Metadata.Name}"] = id;
            }
        }

        var pinned = new HashSet<string>(StringComparer.Ordinal);
        void Pin(string id)
        {
            pinned.Add(id);
            foreach (var link in Chain(entries, id) ?? [])
            {
                pinned.Add(link.BackupId);
            }
        }

        foreach (var restore in restores.Where(r => r.Status?.Phase is not (RestorePhase.Succeeded or RestorePhase.Failed or RestorePhase.PartiallySucceeded)))
        {
            if (restore.Status?.Backup?.BackupId is { Length: > 0 } id)
            {
                Pin(id);
            }

            foreach (var workload in restore.Status?.Workloads ?? [])
            {
                if (workload.Phase is not (RestorePhase.Succeeded or RestorePhase.Failed or RestorePhase.PartiallySucceeded)
                    && workload.BackupJob is { } name && byJob.TryGetValue($"{workload.Namespace}/{name}", out var runBackup))
                {
                    Pin(runBackup);
                }
            }
        }

        return pinned;
    }

    public static CatalogEntry? Find(IReadOnlyList<CatalogEntry> entries, string backupId) =>
        entries.FirstOrDefault(e => e.BackupId == backupId);

    /// <summary>The entry in the shape a RestoreJob's status and the drive demand use.</summary>
    public static CatalogLocation ToLocation(CatalogEntry entry) => new()
    {
        BackupId = entry.BackupId,
        Drives = entry.Drives,
        Redundancy = entry.Redundancy,
        Bytes = entry.Bytes,
        Files = entry.Files,
        Parent = entry.Parent,
        CatalogDigest = entry.CatalogDigest,
        Verified = entry.Verified,
    };

    private static Dictionary<string, CatalogEntry> Index(IReadOnlyList<CatalogEntry> entries)
    {
        var byId = new Dictionary<string, CatalogEntry>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            byId.TryAdd(e.BackupId, e);
        }

        return byId;
    }

    private static List<CatalogEntry>? ChainOf(Dictionary<string, CatalogEntry> byId, CatalogEntry entry)
    {
        var chain = new List<CatalogEntry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var current = entry;
        while (true)
        {
            if (current.State != CatalogEntryState.Complete || !seen.Add(current.BackupId))
            {
                return null;
            }

            chain.Add(current);
            if (string.IsNullOrEmpty(current.Parent))
            {
                break;
            }

            if (!byId.TryGetValue(current.Parent, out var parent))
            {
                return null;
            }

            current = parent;
        }

        chain.Reverse();
        return chain;
    }
}
