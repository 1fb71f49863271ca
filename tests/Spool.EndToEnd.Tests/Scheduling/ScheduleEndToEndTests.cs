using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.DevCluster.Scenario;
using Spool.DevCluster.Workloads;

namespace Spool.EndToEnd.Tests.Scheduling;

/// <summary>
/// A seconds-field BackupSchedule on the embedded cluster with real operator and agent processes: fulls and
/// incrementals alternate, retention expires what keepLast gives up without breaking a chain, an agent deletes the
/// expired backups' tape files, and the latest incremental restores byte-identical.
/// </summary>
[TestFixture]
[Category("EndToEnd")]
[NonParallelizable]
public sealed class ScheduleEndToEndTests : ClusterScenario
{
    [Test]
    [CancelAfter(420_000)]
    public async Task Fulls_and_incrementals_alternate_retention_keeps_chains_and_the_latest_incremental_restores()
    {
        var (workload, source) = await WorkloadAsync("sched", seed: 11);
        var template = JobTemplates.Backup(Cluster.Repository, Namespace, "template", workload.ClaimName, EndToEndSettings.CheckpointBytes, EndToEndSettings.CheckpointSeconds, CompressionMode.None);
        await Cluster.Client.CreateAsync(new BackupSchedule
        {
            Metadata = new ObjectMeta { Name = "fast", Namespace = Namespace },
            Spec = new BackupScheduleSpec
            {
                Schedule = "*/15 * * * * *",
                ConcurrencyPolicy = ConcurrencyPolicy.Forbid,
                FullEvery = 2,
                SuccessfulJobsHistoryLimit = 4,
                Retention = new RetentionPolicy { KeepLast = 2 },
                JobTemplate = new BackupJobTemplate { Spec = template.Spec },
            },
        }, Token);

        // Four runs: full, incremental, full, incremental.
        var deadline = Time.GetUtcNow() + TimeSpan.FromMinutes(5);
        List<BackupJob> done;
        while (true)
        {
            var jobs = (await Cluster.Client.ListAsync<BackupJob>(Namespace, cancellationToken: Token)).Items
                .Where(j => j.Metadata.Labels?.GetValueOrDefault(BackupScheduleLabels.Schedule) == "fast").ToList();
            jobs.Should().NotContain(j => j.Status != null && j.Status.Phase == BackupPhase.Failed, "no scheduled backup may fail");
            done = jobs.Where(j => j.Status?.Phase == BackupPhase.Succeeded).OrderBy(j => long.Parse(j.Metadata.Annotations![BackupScheduleLabels.Run], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            if (done.Count >= 4)
            {
                break;
            }

            Time.GetUtcNow().Should().BeBefore(deadline, "four scheduled backups should finish within five minutes");
            await Task.Delay(TimeSpan.FromSeconds(1), Time, Token);
        }

        await Cluster.Client.PatchAsync<BackupSchedule>("fast", Namespace, Spool.Kube.KubePatch.Merge("""{"spec":{"suspend":true}}"""), cancellationToken: Token);
        var first4 = done.Take(4).ToList();
        first4.Select(j => j.Spec.Mode).Should().Equal(BackupMode.Full, BackupMode.Incremental, BackupMode.Full, BackupMode.Incremental);
        first4[1].Status!.Catalog!.Parent.Should().Be(first4[0].Status!.Catalog!.BackupId, "the first incremental builds on the first full");
        first4[3].Status!.Catalog!.Parent.Should().Be(first4[2].Status!.Catalog!.BackupId);

        // Retention (keepLast 2): the newest two of the four are the second full and its incremental; the first chain goes.
        IReadOnlyList<CatalogEntry> entries = [];
        var settle = Time.GetUtcNow() + TimeSpan.FromSeconds(60);
        while (true)
        {
            entries = await CatalogAsync(workload.ClaimName);
            var ids = first4.Select(j => j.Status!.Catalog!.BackupId).ToList();
            var byId = entries.ToDictionary(e => e.BackupId);
            if (byId.GetValueOrDefault(ids[0])?.State != CatalogEntryState.Complete && byId.GetValueOrDefault(ids[1])?.State != CatalogEntryState.Complete
                && byId.GetValueOrDefault(ids[2])?.State == CatalogEntryState.Complete && byId.GetValueOrDefault(ids[3])?.State == CatalogEntryState.Complete)
            {
                break;
            }

            Time.GetUtcNow().Should().BeBefore(settle, "retention should expire the first chain; catalog: " + string.Join(", ", entries.Select(e => $"{e.BackupId}:{e.Mode}:{e.State}")));
            await Task.Delay(TimeSpan.FromSeconds(1), Time, Token);
        }

        var all = entries.ToDictionary(e => e.BackupId);
        foreach (var kept in entries.Where(e => e.State == CatalogEntryState.Complete))
        {
            for (var link = kept; link.Parent is { } parent; link = all[parent])
            {
                all.Should().ContainKey(parent, $"{kept.BackupId} depends on {parent}");
                all[parent].State.Should().Be(CatalogEntryState.Complete, $"{kept.BackupId} is kept, so its ancestor {parent} must be");
            }
        }

        // An agent deletes the expired chain's tape files and reports them; the operator then drops the entries.
        var expired = first4.Take(2).Select(j => j.Status!.Catalog!.BackupId).ToList();
        var reclaimDeadline = Time.GetUtcNow() + TimeSpan.FromSeconds(90);
        while ((await CatalogAsync(workload.ClaimName)).Any(e => expired.Contains(e.BackupId)))
        {
            Time.GetUtcNow().Should().BeBefore(reclaimDeadline, "an agent should reclaim the expired chain and the operator drop it from the catalog");
            await Task.Delay(TimeSpan.FromSeconds(1), Time, Token);
        }

        // Segment headers carry the writer's label, <namespace>/<job>.
        var onDrives = Cluster.DriveNames
            .Select(d => Cluster.Layout.DrivePath(d))
            .Where(p => File.Exists(Path.Combine(p, "drive.json")))
            .SelectMany(p => Spool.DataPath.DriveCatalog.ListFiles(Spool.DataPath.Drives.DriveSpec.Directory(p)))
            .Select(f => f.Header?.Label)
            .ToHashSet();
        onDrives.Should().NotContain(first4.Take(2).Select(j => $"{Namespace}/{j.Metadata.Name}"), "the expired backups' tape files are deleted");
        onDrives.Should().Contain(first4.Skip(2).Select(j => $"{Namespace}/{j.Metadata.Name}"), "the retained chain's tape files stay");

        // The latest incremental restores byte-identical.
        var latestIncremental = first4[3];
        var restore = await Story.RestoreAndVerifyAsync(Namespace, latestIncremental.Metadata.Name!, source, new WorkloadSpec(workload.Name + "-copy", Namespace, "1Gi"), EndToEndSettings.RestoreTimeout, Token);
        restore.Differences.Should().BeEmpty("the restore of the latest incremental must be byte-identical");
        restore.Restored.Files.Should().Be(source.Files);
    }

    /// <summary>The operator's catalog of the claim: ConfigMaps spool-catalog-&lt;drive&gt;, key &lt;namespace&gt;_&lt;claim&gt;, one entry per backup.</summary>
    private async Task<IReadOnlyList<CatalogEntry>> CatalogAsync(string claim)
    {
        var maps = (await Cluster.Client.ListAsync<ConfigMap>(Cluster.Options.SystemNamespace, new Spool.Kube.ListOptions { LabelSelector = BackupScheduleLabels.Catalog + "=true" }, Token)).Items;
        var byId = new Dictionary<string, CatalogEntry>(StringComparer.Ordinal);
        foreach (var map in maps)
        {
            if (map.Data?.GetValueOrDefault($"{Namespace}_{claim}") is { } json)
            {
                foreach (var entry in KubeJson.Deserialize<List<CatalogEntry>>(json) ?? [])
                {
                    byId[entry.BackupId] = byId.TryGetValue(entry.BackupId, out var seen) && seen.State > entry.State ? seen : entry;
                }
            }
        }

        return byId.Values.ToList();
    }
}
