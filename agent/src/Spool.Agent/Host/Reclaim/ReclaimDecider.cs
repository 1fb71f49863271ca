using Spool.Agent.Host.Streaming;
using Spool.Api.V1Alpha1;
using ApiDriveType = Spool.Api.V1Alpha1.DriveType;

namespace Spool.Agent.Host.Reclaim;

/// <summary>
/// The agent's half of retention on one drive (docs/design.md, "Reclaiming space"): the operator marks a backup
/// <c>Expiring</c>; an agent that reaches the drive deletes that backup's tape files and, once no tape file of the backup
/// is left, adds its id to the catalog's <c>reclaimed</c> key. The decision is pure; <see cref="DriveReclaimer"/> does
/// the I/O and asks again after deleting, so that only what a fresh listing shows gone is ever reported.
/// <list type="bullet">
/// <item>A drive held by a job (any holder), offline, Failed, or a Tape drive is left alone. Tape media cannot free one
/// backup: the operator expires them whole and the next writer reuses the medium.</item>
/// <item>A backup named by the drive's pending operation is not touched: that operation's next holder reads it.</item>
/// <item>A backup that a retained backup (Complete or Incomplete, on any drive) descends from is not touched, whatever
/// the operator decided: a chain is never broken by the agent either.</item>
/// <item>A tape file that the segment chain of a retained, in-flight or uncatalogued backup names is never deleted.</item>
/// </list>
/// </summary>
public static class ReclaimDecider
{
    public static ReclaimPlan Decide(ReclaimObservation observation)
    {
        var drive = observation.Drive;
        var name = drive.Metadata.Name ?? "";
        if (drive.Spec.Type == ApiDriveType.Tape)
        {
            return ReclaimPlan.Skipped("a tape medium is reclaimed whole, when every backup on it has expired");
        }

        if (drive.Spec.Offline)
        {
            return ReclaimPlan.Skipped("the drive is offline");
        }

        if (drive.Status?.Phase == DrivePhase.Failed)
        {
            return ReclaimPlan.Skipped("the drive has failed");
        }

        if (drive.Spec.Nodes is { Count: > 0 } nodes && !nodes.Contains(observation.Node, StringComparer.Ordinal))
        {
            return ReclaimPlan.Skipped($"node {observation.Node} is not among the drive's nodes");
        }

        if (!observation.PathPresent)
        {
            return ReclaimPlan.Skipped($"drive {name}: {drive.Spec.Path} is not present on node {observation.Node}");
        }

        if (drive.Status?.Holder is { } holder)
        {
            return ReclaimPlan.Skipped($"the drive is held by {holder.Kind} {holder.Job} at epoch {holder.Epoch}");
        }

        var named = observation.Entries.Select(e => e.BackupId).ToHashSet(StringComparer.Ordinal);
        var reclaimed = observation.Reclaimed.Where(named.Contains).Distinct(StringComparer.Ordinal).ToList();
        var expiring = observation.Entries
            .Where(e => e.State == CatalogEntryState.Expiring && !reclaimed.Contains(e.BackupId, StringComparer.Ordinal))
            .Select(e => e.BackupId)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (expiring.Count > 0 && observation.Files is null)
        {
            return new ReclaimPlan { NeedsFiles = true };
        }

        var deletions = new List<ReclaimDeletion>();
        var blocked = new List<ReclaimBlocked>();
        var verified = new List<string>();
        var dependents = Dependents(observation.AllEntries.Concat(observation.Entries));
        foreach (var id in expiring)
        {
            if (drive.Status?.PendingOperation is { BackupId: { } pending } operation && pending == id)
            {
                blocked.Add(new ReclaimBlocked(id, $"the drive's pending {operation.Operation} operation of {operation.Job} names it"));
                continue;
            }

            if (dependents.TryGetValue(id, out var child))
            {
                blocked.Add(new ReclaimBlocked(id, $"retained backup {child} depends on it"));
                continue;
            }

            var guid = BackupIds.ToGuid(id);
            var files = observation.Files!.Where(f => f.BackupId == guid).Select(f => f.Address).ToList();
            if (files.Count == 0)
            {
                verified.Add(id);
                continue;
            }

            var shared = files.Where(observation.RetainedFiles.Contains).ToList();
            if (shared.Count > 0)
            {
                blocked.Add(new ReclaimBlocked(id, $"tape file {string.Join(", ", shared)} is part of a retained backup's chain"));
            }

            var deletable = files.Except(shared).ToList();
            if (deletable.Count > 0)
            {
                deletions.Add(new ReclaimDeletion(id, guid, deletable));
            }
        }

        var next = reclaimed.Concat(verified).ToList();
        return new ReclaimPlan
        {
            Deletions = deletions,
            Blocked = blocked,
            Verified = verified,
            Reclaimed = next,
            WriteReclaimed = !next.SequenceEqual(observation.Reclaimed, StringComparer.Ordinal),
        };
    }

    /// <summary>For every ancestor of a retained backup (Complete or Incomplete), one retained backup that descends from it.</summary>
    private static Dictionary<string, string> Dependents(IEnumerable<CatalogEntry> entries)
    {
        var byId = new Dictionary<string, CatalogEntry>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            byId.TryAdd(e.BackupId, e);
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in byId.Values.Where(e => e.State is CatalogEntryState.Complete or CatalogEntryState.Incomplete))
        {
            var seen = new HashSet<string>(StringComparer.Ordinal) { e.BackupId };
            for (var parent = e.Parent; !string.IsNullOrEmpty(parent) && seen.Add(parent); parent = byId.GetValueOrDefault(parent)?.Parent)
            {
                result.TryAdd(parent, e.BackupId);
            }
        }

        return result;
    }
}
