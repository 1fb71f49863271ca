using Spool.Api;
using Spool.Api.V1Alpha1;
using Spool.Operator.Decisions;
using Spool.Operator.Retention;
using DriveType = Spool.Api.V1Alpha1.DriveType;

namespace Spool.Operator.Catalog;

/// <summary>
/// Keeps the per-drive catalogs and applies retention, in one pure pass over the cluster:
/// <list type="number">
/// <item>records every finished BackupJob's backup on each of its drives (Complete, or Incomplete for a failed job that
/// wrote data), unless the backup already expired;</item>
/// <item>runs <see cref="RetentionDecider"/> and expires what it gives up: on a Directory drive the entry becomes
/// Expiring until an agent reports its tape files deleted (the <c>reclaimed</c> key), then leaves the catalog; on a Tape
/// drive it becomes Expired, and once every backup on the medium has expired the entries leave and the medium is
/// marked Reusable;</item>
/// <item>reports per-schedule retention counts, Events, and the next time a backup ages out.</item>
/// </list>
/// </summary>
public static class CatalogDecider
{
    /// <summary>Tombstones kept per drive at most; only ids still named by a BackupJob need one.</summary>
    public const int MaxTombstones = 2000;

    public static IReadOnlyList<OperatorAction> Decide(CatalogObservation observation)
    {
        var now = JobConditions.Truncate(observation.Now);
        var actions = new List<OperatorAction>();
        var drives = observation.Drives.Where(d => d.Metadata.Name is not null).ToDictionary(d => d.Metadata.Name!, StringComparer.Ordinal);
        var work = observation.Catalogs.ToDictionary(c => c.Drive, c => new Draft(c), StringComparer.Ordinal);
        Draft DraftOf(string drive) => work.TryGetValue(drive, out var d) ? d : work[drive] = new Draft(new DriveCatalog { Drive = drive });

        // 1. Record finished jobs.
        foreach (var job in observation.Jobs)
        {
            foreach (var (drive, entry) in Record(job, now))
            {
                var draft = DraftOf(drive);
                if (!draft.Tombstones.Contains(entry.BackupId) && draft.Entries.All(e => e.BackupId != entry.BackupId))
                {
                    draft.Entries.Add(entry);
                }
            }
        }

        // 2. Retention over the merged view.
        var policies = new Dictionary<string, RetentionPolicy>(StringComparer.Ordinal);
        foreach (var s in observation.Schedules)
        {
            if (s.Spec.Retention is { } policy && s.Metadata.DeletionTimestamp is null)
            {
                policies[RetentionInput.ScheduleKey(s.Metadata.Namespace ?? "", s.Metadata.Name ?? "")] = policy;
            }
        }

        var merged = CatalogQuery.Merge(work.Values.Select(d => d.ToCatalog()));
        var input = new RetentionInput { Entries = merged, Policies = policies, Pinned = observation.Pinned, Now = now };
        var verdicts = RetentionDecider.Decide(input);
        var expire = verdicts.Where(v => !v.Keep).ToDictionary(v => v.BackupId, StringComparer.Ordinal);
        var expiredNow = new Dictionary<string, (CatalogEntry Entry, RetentionVerdict Verdict)>(StringComparer.Ordinal);
        foreach (var draft in work.Values)
        {
            var tape = drives.TryGetValue(draft.Drive, out var td) && td.Spec.Type == DriveType.Tape;
            for (var i = 0; i < draft.Entries.Count; i++)
            {
                var entry = draft.Entries[i];
                if (entry.State is CatalogEntryState.Complete or CatalogEntryState.Incomplete && expire.TryGetValue(entry.BackupId, out var verdict))
                {
                    draft.Entries[i] = entry with
                    {
                        State = tape ? CatalogEntryState.Expired : CatalogEntryState.Expiring,
                        ExpiryTime = now,
                        ExpiryReason = $"{verdict.Reason}: {verdict.Message}",
                    };
                    expiredNow.TryAdd(entry.BackupId, (entry, verdict));
                }
            }
        }

        // 3. Reclaim: agent-confirmed deletions on directory drives, whole media on tape drives.
        var reclaimedNow = new List<(string Drive, CatalogEntry Entry)>();
        foreach (var draft in work.Values)
        {
            var tape = drives.TryGetValue(draft.Drive, out var td) && td.Spec.Type == DriveType.Tape;
            if (tape)
            {
                if (draft.Entries.Count > 0 && draft.Entries.All(e => e.State == CatalogEntryState.Expired))
                {
                    foreach (var e in draft.Entries)
                    {
                        draft.Tombstones.Add(e.BackupId);
                        draft.Count(e, now);
                        reclaimedNow.Add((draft.Drive, e));
                    }

                    draft.Entries.Clear();
                    draft.Medium = MediumState.Reusable;
                    actions.Add(new RecordEvent(DriveRef(draft.Drive, td), RecordEvent.Normal, "MediumReusable", "every backup on the medium has expired; it may be overwritten from the beginning"));
                }
            }
            else
            {
                var reclaimed = draft.Source.Reclaimed.ToHashSet(StringComparer.Ordinal);
                foreach (var e in draft.Entries.Where(e => e.State == CatalogEntryState.Expiring && reclaimed.Contains(e.BackupId)).ToList())
                {
                    draft.Entries.Remove(e);
                    draft.Tombstones.Add(e.BackupId);
                    draft.Count(e, now);
                    reclaimedNow.Add((draft.Drive, e));
                }
            }

            if (draft.Entries.Any(e => e.State is CatalogEntryState.Complete or CatalogEntryState.Incomplete or CatalogEntryState.Expiring))
            {
                draft.Medium = MediumState.InUse;
            }
            else if (draft.Medium != MediumState.Reusable)
            {
                draft.Medium = draft.Entries.Count == 0 ? MediumState.Empty : MediumState.InUse;
            }
        }

        // Tombstones matter only while a BackupJob could re-record the backup.
        var jobBackupIds = observation.Jobs.Select(j => j.Status?.Catalog?.BackupId ?? j.Status?.BackupId).Where(id => id is not null).ToHashSet(StringComparer.Ordinal);
        foreach (var draft in work.Values)
        {
            draft.Tombstones.RemoveWhere(id => !jobBackupIds.Contains(id));
        }

        // 4. Write what changed.
        foreach (var draft in work.Values.OrderBy(d => d.Drive, StringComparer.Ordinal))
        {
            var next = draft.ToCatalog();
            if (draft.Source.ResourceVersion is null || !next.SameContentAs(draft.Source))
            {
                actions.Add(new WriteCatalog(next));
            }
        }

        // 5. Events and per-schedule status.
        var schedules = observation.Schedules.ToDictionary(s => RetentionInput.ScheduleKey(s.Metadata.Namespace ?? "", s.Metadata.Name ?? ""), StringComparer.Ordinal);
        foreach (var (id, (entry, verdict)) in expiredNow.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var regarding = Regarding(entry, schedules, drives);
            actions.Add(new RecordEvent(regarding, RecordEvent.Normal, "BackupExpired", $"expired backup {id} of {entry.Namespace}/{entry.PersistentVolumeClaim} ({entry.Mode}, {entry.Time:yyyy-MM-ddTHH:mm:ssZ}): {verdict.Message}"));
        }

        foreach (var (drive, entry) in reclaimedNow.Where(r => !(drives.TryGetValue(r.Drive, out var d) && d.Spec.Type == DriveType.Tape)))
        {
            actions.Add(new RecordEvent(Regarding(entry, schedules, drives), RecordEvent.Normal, "BackupReclaimed", $"deleted the tape files of backup {entry.BackupId} on drive {drive}"));
        }

        var finalEntries = CatalogQuery.Merge(work.Values.Select(d => d.ToCatalog()));
        var byVerdict = verdicts.ToDictionary(v => v.BackupId, StringComparer.Ordinal);
        foreach (var (key, schedule) in schedules.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var mine = finalEntries.Where(e => e.Schedule is { } s && RetentionInput.ScheduleKey(e.Namespace, s) == key).ToList();
            var previous = schedule.Status?.Retention;
            var tallies = work.Values.Select(d => d.Tallies.GetValueOrDefault(key)).Where(t => t is not null).ToList();
            var lastExpiry = mine.Select(e => e.ExpiryTime).Concat(tallies.Select(t => t!.Last)).Max();
            var retention = new RetentionStatus
            {
                Retained = mine.Count(e => e.State == CatalogEntryState.Complete),
                RetainedForChains = mine.Count(e => e.State == CatalogEntryState.Complete && byVerdict.TryGetValue(e.BackupId, out var v) && v.Reason == RetentionReason.Chain),
                Expiring = mine.Count(e => e.State is CatalogEntryState.Expiring or CatalogEntryState.Expired),
                ExpiredTotal = tallies.Sum(t => t!.Count),
                LastExpiryTime = lastExpiry,
            };
            if (!StatusJson.Same(previous, retention) || schedule.Status?.Retention is null)
            {
                actions.Add(new PatchRetentionStatus(schedule.Metadata.Namespace ?? "", schedule.Metadata.Name ?? "", retention));
            }
        }

        if (RetentionDecider.NextAgeOut(input, verdicts) is { } ageOut && ageOut > now)
        {
            actions.Add(new RequeueAfter(ageOut - now + TimeSpan.FromSeconds(1)));
        }

        return actions;
    }

    /// <summary>The entries a finished job contributes, one per drive.</summary>
    public static IEnumerable<(string Drive, CatalogEntry Entry)> Record(BackupJob job, DateTimeOffset now)
    {
        var status = job.Status;
        var claim = job.Spec.Source.PersistentVolumeClaim;
        if (status is null || claim is null)
        {
            yield break;
        }

        var schedule = job.Metadata.Labels?.GetValueOrDefault(BackupScheduleLabels.Schedule);
        var run = job.Metadata.Annotations?.GetValueOrDefault(FederatedBackupDecider.ParentAnnotation);
        if (status.Phase is BackupPhase.Succeeded or BackupPhase.PartiallySucceeded && (status.Catalog ?? status.Report?.Catalog) is { BackupId.Length: > 0 } location)
        {
            var entry = new CatalogEntry
            {
                BackupId = location.BackupId,
                Namespace = job.Metadata.Namespace ?? "",
                PersistentVolumeClaim = claim,
                Time = JobConditions.Truncate(status.CompletionTime ?? status.Report?.Time ?? now),
                Mode = string.IsNullOrEmpty(location.Parent) ? BackupMode.Full : BackupMode.Incremental,
                Parent = string.IsNullOrEmpty(location.Parent) ? null : location.Parent,
                Bytes = location.Bytes,
                Files = location.Files,
                Drives = location.Drives,
                Redundancy = location.Redundancy,
                State = CatalogEntryState.Complete,
                Job = job.Metadata.Name,
                Schedule = schedule,
                Run = run,
                CatalogDigest = location.CatalogDigest,
                Verified = location.Verified,
            };
            foreach (var drive in location.Drives.Distinct(StringComparer.Ordinal))
            {
                yield return (drive, entry);
            }
        }
        else if (status.Phase == BackupPhase.Failed && status.BackupId is { Length: > 0 } id && status.Drives is { Count: > 0 } held)
        {
            var names = held.Select(d => d.Name).Distinct(StringComparer.Ordinal).ToList();
            var entry = new CatalogEntry
            {
                BackupId = id,
                Namespace = job.Metadata.Namespace ?? "",
                PersistentVolumeClaim = claim,
                Time = JobConditions.Truncate(status.CompletionTime ?? now),
                Mode = job.Spec.Mode,
                Bytes = status.Checkpoint?.BytesDone ?? 0,
                Drives = names,
                State = CatalogEntryState.Incomplete,
                Job = job.Metadata.Name,
                Schedule = schedule,
                Run = run,
            };
            foreach (var drive in names)
            {
                yield return (drive, entry);
            }
        }
    }

    private static ObjectReference Regarding(CatalogEntry entry, Dictionary<string, BackupSchedule> schedules, Dictionary<string, TapeDrive> drives)
    {
        if (entry.Schedule is { } s && schedules.TryGetValue(RetentionInput.ScheduleKey(entry.Namespace, s), out var schedule))
        {
            return new ObjectReference { ApiVersion = SpoolGroup.ApiVersion, Kind = BackupSchedule.KindValue, Namespace = entry.Namespace, Name = s, Uid = schedule.Metadata.Uid };
        }

        var drive = entry.Drives.FirstOrDefault() ?? "";
        return DriveRef(drive, drives.GetValueOrDefault(drive));
    }

    private static ObjectReference DriveRef(string drive, TapeDrive? td) =>
        new() { ApiVersion = SpoolGroup.ApiVersion, Kind = TapeDrive.KindValue, Name = drive, Uid = td?.Metadata.Uid };

    /// <summary>A drive's catalog while the decider edits it.</summary>
    private sealed class Draft
    {
        public Draft(DriveCatalog source)
        {
            Source = source;
            Drive = source.Drive;
            Entries = [.. source.Entries];
            Tombstones = new HashSet<string>(source.Expired, StringComparer.Ordinal);
            Medium = source.Medium;
            Tallies = new Dictionary<string, ExpiryTally>(source.Tallies.ToDictionary(), StringComparer.Ordinal);
        }

        public Dictionary<string, ExpiryTally> Tallies { get; }

        /// <summary>Counts a backup leaving, once per backup: on its first drive.</summary>
        public void Count(CatalogEntry entry, DateTimeOffset now)
        {
            if (entry.Schedule is { } schedule && (entry.Drives.FirstOrDefault() ?? Drive) == Drive)
            {
                var key = RetentionInput.ScheduleKey(entry.Namespace, schedule);
                var tally = Tallies.GetValueOrDefault(key) ?? new ExpiryTally(0, null);
                Tallies[key] = new ExpiryTally(tally.Count + 1, now);
            }
        }

        public DriveCatalog Source { get; }

        public string Drive { get; }

        public List<CatalogEntry> Entries { get; }

        public HashSet<string> Tombstones { get; }

        public MediumState Medium { get; set; }

        public DriveCatalog ToCatalog() => Source with
        {
            Entries = CatalogConfigMaps.Canonical(Entries),
            Expired = Tombstones.Order(StringComparer.Ordinal).TakeLast(MaxTombstones).ToList(),
            Medium = Medium,
            Tallies = Tallies,
        };
    }
}
