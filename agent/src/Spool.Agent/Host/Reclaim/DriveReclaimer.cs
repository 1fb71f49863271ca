using System.Text.Json;
using Spool.Agent.Host.Logging;
using Spool.Agent.Host.Streaming;
using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.DataPath;
using Spool.DataPath.Drives;
using Spool.Kube;
using TapeDrive = Spool.Api.V1Alpha1.TapeDrive;

namespace Spool.Agent.Host.Reclaim;

/// <summary>
/// The I/O around <see cref="ReclaimDecider"/>: reads the TapeDrives and the catalog ConfigMaps, lists the drive, deletes
/// the tape files of Expiring backups, lists the drive again and only then adds what is gone to the catalog's
/// <c>reclaimed</c> key, with a merge patch carrying the ConfigMap's resourceVersion (a 409 re-reads and decides again).
/// The drive's holder is read again right before the deletions: a drive claimed meanwhile is left alone. Every agent that
/// reaches a drive may do this; deleting and reporting are idempotent. Each pass also removes the <c>mediumReuse</c>
/// record of a tape medium that is no longer Reusable (<see cref="MediumReuseDecider"/>).
/// </summary>
public sealed class DriveReclaimer(AgentContext context)
{
    public const string CatalogLabel = "spool.dev/catalog";
    public const string CatalogPrefix = "spool-catalog-";
    public const string ReclaimedKey = "reclaimed";
    private const int MaxAttempts = 4;

    private readonly Dictionary<string, string> _lastSkip = new(StringComparer.Ordinal);

    private string CatalogNamespace => context.Options.CatalogNamespace ?? context.Options.Namespace;

    /// <summary>Runs every <see cref="AgentOptions.ReclaimInterval"/> until <paramref name="cancellationToken"/>.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var interval = context.Options.ReclaimInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                context.Log.Error(error, "Reclaim pass failed");
            }

            try
            {
                await Task.Delay(interval, context.Time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass over every drive with a catalog; returns the last plan per drive.</summary>
    public async Task<IReadOnlyDictionary<string, ReclaimPlan>> RunOnceAsync(CancellationToken cancellationToken)
    {
        var reuse = new MediumReuse(context);
        var raw = await context.Client.ListAllAsync<ConfigMap>(CatalogNamespace, new ListOptions { LabelSelector = CatalogLabel + "=true" }, cancellationToken).ConfigureAwait(false);
        foreach (var map in raw.Items.Where(m => m.Data?.ContainsKey(MediumReuse.Key) == true))
        {
            if (await reuse.RemoveIfDoneAsync(map, cancellationToken).ConfigureAwait(false))
            {
                context.Log.Info("Tape medium no longer reusable, removed its reuse record", "catalog", map.Metadata.Name);
            }
        }

        var maps = await ListCatalogsAsync(cancellationToken).ConfigureAwait(false);
        var result = new Dictionary<string, ReclaimPlan>(StringComparer.Ordinal);
        foreach (var drive in maps.Keys.Order(StringComparer.Ordinal))
        {
            if (!maps[drive].Entries.Any(e => e.State == CatalogEntryState.Expiring) && maps[drive].Reclaimed.Count == 0)
            {
                continue;
            }

            result[drive] = await ReclaimDriveAsync(drive, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private async Task<ReclaimPlan> ReclaimDriveAsync(string name, CancellationToken cancellationToken)
    {
        var log = context.Log.With("drive", name);
        var deleted = false;
        var plan = ReclaimPlan.Skipped("not decided");
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var drive = await context.Client.GetAsync<TapeDrive>(name, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (drive is null)
            {
                return ReclaimPlan.Skipped("the TapeDrive is gone");
            }

            var catalogs = await ListCatalogsAsync(cancellationToken).ConfigureAwait(false);
            if (!catalogs.TryGetValue(name, out var catalog))
            {
                return ReclaimPlan.Skipped("the drive has no catalog");
            }

            var spec = DriveMapper.ToSpec(drive, context.Options, null);
            var observation = new ReclaimObservation
            {
                Node = context.Options.NodeName,
                Drive = drive,
                PathPresent = Directory.Exists(spec.Path),
                Entries = catalog.Entries,
                AllEntries = catalogs.Values.SelectMany(c => c.Entries).ToList(),
                Reclaimed = catalog.Reclaimed,
            };
            plan = ReclaimDecider.Decide(observation);
            if (plan.NeedsFiles)
            {
                observation = ReadDrive(observation, spec, catalog.Entries);
                plan = ReclaimDecider.Decide(observation);
            }

            if (plan.Skip is { } skip)
            {
                if (_lastSkip.GetValueOrDefault(name) != skip && catalog.Entries.Any(e => e.State == CatalogEntryState.Expiring))
                {
                    log.Info("Not reclaiming drive space now", "reason", skip);
                }

                _lastSkip[name] = skip;
                return plan;
            }

            _lastSkip.Remove(name);
            foreach (var blocked in plan.Blocked)
            {
                log.Warning("Expired backup not reclaimed", "backupId", blocked.BackupId, "reason", blocked.Reason);
            }

            if (plan.Deletions.Count > 0 && !deleted)
            {
                // Deleted once per pass; the next round lists the drive afresh, so only what is really gone is reported.
                Delete(plan.Deletions, spec, log);
                deleted = true;
                continue;
            }

            foreach (var left in plan.Deletions)
            {
                log.Warning("Tape files of an expired backup are still on the drive", "backupId", left.BackupId, "files", left.Files.Select(f => f.ToString()).ToList());
            }

            if (!plan.WriteReclaimed)
            {
                return plan;
            }

            var patch = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["metadata"] = new Dictionary<string, string?> { ["resourceVersion"] = catalog.ResourceVersion },
                ["data"] = new Dictionary<string, string> { [ReclaimedKey] = KubeJson.Serialize(plan.Reclaimed) },
            });
            try
            {
                await context.Client.PatchAsync<ConfigMap>(CatalogPrefix + name, CatalogNamespace, KubePatch.Merge(patch), cancellationToken: cancellationToken).ConfigureAwait(false);
                if (plan.Verified.Count > 0)
                {
                    log.Info("Reported expired backups reclaimed", "backupIds", plan.Verified);
                }

                return plan;
            }
            catch (KubernetesConflictException)
            {
                log.Info("Catalog changed while reclaiming, reading it again", "attempt", attempt + 1);
            }
        }

        return plan;
    }

    private void Delete(IReadOnlyList<ReclaimDeletion> deletions, DriveSpec spec, AgentLog log)
    {
        foreach (var deletion in deletions)
        {
            var count = 0;
            foreach (var file in deletion.Files)
            {
                try
                {
                    if (DriveReclaim.DeleteTapeFile(spec, file, deletion.Guid))
                    {
                        count++;
                    }
                }
                catch (Exception error) when (error is IOException or UnauthorizedAccessException or DriveException)
                {
                    log.Error(error, "Could not delete a tape file of an expired backup", "backupId", deletion.BackupId, "file", file.ToString());
                }
            }

            log.Info("Deleted tape files of an expired backup", "backupId", deletion.BackupId, "files", count);
        }
    }

    /// <summary>The drive's tape files, and the files named by the chain of every backup on it that is not expiring.</summary>
    private static ReclaimObservation ReadDrive(ReclaimObservation observation, DriveSpec spec, IReadOnlyList<CatalogEntry> entries)
    {
        var files = DriveCatalog.ListFiles(spec).Select(f => new ReclaimFile(f.Address, f.Header?.BackupId)).ToList();
        var expiring = entries
            .Where(e => e.State is CatalogEntryState.Expiring or CatalogEntryState.Expired)
            .Select(e => BackupIds.ToGuid(e.BackupId))
            .ToHashSet();
        string driveId;
        using (var drive = DriveFactory.Open(spec, create: false))
        {
            driveId = drive.Id;
        }

        var retained = new HashSet<TapeFileAddress>();
        foreach (var backup in DriveCatalog.ListBackups(spec).Where(b => !expiring.Contains(b.BackupId) && b.Trailer is not null))
        {
            foreach (var segment in backup.Trailer!.Chain.Where(s => s.DriveId == driveId))
            {
                retained.Add(segment.Address);
            }
        }

        return observation with { Files = files, RetainedFiles = retained };
    }

    private async Task<Dictionary<string, StoredCatalog>> ListCatalogsAsync(CancellationToken cancellationToken)
    {
        var maps = await context.Client.ListAllAsync<ConfigMap>(CatalogNamespace, new ListOptions { LabelSelector = CatalogLabel + "=true" }, cancellationToken).ConfigureAwait(false);
        var result = new Dictionary<string, StoredCatalog>(StringComparer.Ordinal);
        foreach (var map in maps.Items)
        {
            var name = map.Metadata.Name ?? "";
            if (!name.StartsWith(CatalogPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var entries = new List<CatalogEntry>();
            var reclaimed = new List<string>();
            foreach (var (key, value) in map.Data ?? new Dictionary<string, string>())
            {
                try
                {
                    if (key == ReclaimedKey)
                    {
                        reclaimed.AddRange(KubeJson.Deserialize<List<string>>(value) ?? []);
                    }
                    else if (key.Contains('_', StringComparison.Ordinal))
                    {
                        entries.AddRange(KubeJson.Deserialize<List<CatalogEntry>>(value) ?? []);
                    }
                }
                catch (JsonException)
                {
                    // A key that does not parse is left to the operator, which owns every key but reclaimed.
                }
            }

            result[name[CatalogPrefix.Length..]] = new StoredCatalog(entries, reclaimed, map.Metadata.ResourceVersion);
        }

        return result;
    }

    private sealed record StoredCatalog(IReadOnlyList<CatalogEntry> Entries, IReadOnlyList<string> Reclaimed, string? ResourceVersion);
}
