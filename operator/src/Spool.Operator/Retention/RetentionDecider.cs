using Spool.Api.V1Alpha1;

namespace Spool.Operator.Retention;

/// <summary>
/// Decides which backups to keep. Per source (namespace/claim) and schedule, a complete backup is kept when it is
/// among the newest keepLast or younger than maxAgeSeconds (either rule keeps it; neither set keeps all). Whatever
/// the policy, a source's newest complete backup is kept (so that the next incremental has a base), pinned backups
/// are kept, and every ancestor of a kept incremental is kept: chains are never broken. Incomplete backups (failed
/// jobs that wrote data) are expired unless something depends on them. Pure.
/// </summary>
public static class RetentionDecider
{
    public static IReadOnlyList<RetentionVerdict> Decide(RetentionInput input)
    {
        var live = input.Entries.Where(e => e.State is CatalogEntryState.Complete or CatalogEntryState.Incomplete).ToList();
        var byId = new Dictionary<string, CatalogEntry>(StringComparer.Ordinal);
        foreach (var e in live)
        {
            byId.TryAdd(e.BackupId, e);
        }

        var verdicts = new Dictionary<string, RetentionVerdict>(StringComparer.Ordinal);
        foreach (var source in live.GroupBy(e => (e.Namespace, e.PersistentVolumeClaim)))
        {
            var newest = source.Where(e => e.State == CatalogEntryState.Complete).MaxBy(e => (e.Time, e.BackupId));
            foreach (var group in source.GroupBy(e => e.Schedule))
            {
                var policy = group.Key is { } schedule && input.Policies.TryGetValue(RetentionInput.ScheduleKey(source.Key.Namespace, schedule), out var p) ? p : null;
                var rank = 0;
                foreach (var entry in group.OrderByDescending(e => e.Time).ThenByDescending(e => e.BackupId, StringComparer.Ordinal))
                {
                    verdicts[entry.BackupId] = Judge(entry, policy, entry.State == CatalogEntryState.Complete ? rank++ : -1, ReferenceEquals(entry, newest), input);
                }
            }
        }

        // Chains: walk from every kept backup to its full, keeping each ancestor.
        foreach (var kept in verdicts.Values.Where(v => v.Keep).Select(v => byId[v.BackupId]).ToList())
        {
            var child = kept;
            var seen = new HashSet<string>(StringComparer.Ordinal) { child.BackupId };
            while (!string.IsNullOrEmpty(child.Parent) && byId.TryGetValue(child.Parent, out var parent) && seen.Add(parent.BackupId))
            {
                if (verdicts[parent.BackupId] is { Keep: false })
                {
                    verdicts[parent.BackupId] = new RetentionVerdict(parent.BackupId, true, RetentionReason.Chain, $"kept backup {child.BackupId} is incremental against it");
                }

                child = parent;
            }
        }

        return verdicts.Values.OrderBy(v => v.BackupId, StringComparer.Ordinal).ToList();
    }

    private static RetentionVerdict Judge(CatalogEntry entry, RetentionPolicy? policy, int rank, bool newest, RetentionInput input)
    {
        var id = entry.BackupId;
        if (input.Pinned.Contains(id))
        {
            return new RetentionVerdict(id, true, RetentionReason.Pinned, "in use by a running restore or backup");
        }

        if (entry.State == CatalogEntryState.Incomplete)
        {
            return new RetentionVerdict(id, false, RetentionReason.Incomplete, "its job failed; the partial data is reclaimed");
        }

        if (newest)
        {
            return new RetentionVerdict(id, true, RetentionReason.Newest, "newest complete backup of its source");
        }

        if (policy is null || (policy.KeepLast is null && policy.MaxAgeSeconds is null))
        {
            return new RetentionVerdict(id, true, RetentionReason.NoPolicy, "no retention policy applies");
        }

        if (policy.KeepLast is { } keep && rank < keep)
        {
            return new RetentionVerdict(id, true, RetentionReason.KeepLast, $"one of the newest {keep}");
        }

        var age = input.Now - entry.Time;
        if (policy.MaxAgeSeconds is { } max && age < TimeSpan.FromSeconds(max))
        {
            return new RetentionVerdict(id, true, RetentionReason.MaxAge, $"younger than {max}s");
        }

        var why = (policy.KeepLast, policy.MaxAgeSeconds) switch
        {
            ({ } k, { } m) => $"not among the newest {k} and older than {m}s",
            ({ } k, null) => $"not among the newest {k}",
            (null, { } m) => $"older than {m}s",
            _ => "expired",
        };
        return new RetentionVerdict(id, false, RetentionReason.Expired, why);
    }

    /// <summary>When the next backup that MaxAge alone keeps ages out, for requeueing; null when none does.</summary>
    public static DateTimeOffset? NextAgeOut(RetentionInput input, IReadOnlyList<RetentionVerdict> verdicts)
    {
        DateTimeOffset? next = null;
        var byId = input.Entries.GroupBy(e => e.BackupId).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var v in verdicts.Where(v => v.Keep && v.Reason == RetentionReason.MaxAge))
        {
            var entry = byId[v.BackupId];
            if (entry.Schedule is { } s && input.Policies.TryGetValue(RetentionInput.ScheduleKey(entry.Namespace, s), out var policy) && policy.MaxAgeSeconds is { } max)
            {
                var at = entry.Time + TimeSpan.FromSeconds(max);
                next = next is { } n && n <= at ? n : at;
            }
        }

        return next;
    }
}
