using System.Globalization;
using System.Net.Http.Headers;
using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.Kube;
using Spool.Kube.Events;
using Spool.Operator.Catalog;
using Spool.Operator.Scheduling;
using Spool.Testing;

namespace Spool.Operator.Tests.Scheduling;

/// <summary>
/// The schedule and catalog controllers in-process against the embedded API server, with the BackupJob operator and the
/// agents simulated: each new job "completes" at once with a backup file on a directory drive (incrementals against
/// the previous good backup, as the data path resolves them), and an agent deletes the files of expiring backups and
/// reports them reclaimed. A two-second seconds-field schedule runs for real time.
/// </summary>
[Category("Component")]
public sealed class ScheduleComponentTests
{
    private const string Ns = "shop";
    private const string OperatorNs = "spool-system";

    [Test]
    [CancelAfter(120_000)]
    public async Task Fulls_and_incrementals_alternate_and_retention_expires_without_breaking_chains(CancellationToken cancellationToken)
    {
        await using var server = await ApiServerFixture.StartAsync(cancellationToken: cancellationToken);
        foreach (var crd in Directory.GetFiles(Path.Combine(ClientTools.RepoRoot, "charts", "spool", "crds"), "*.yaml"))
        {
            using var content = new StringContent(await File.ReadAllTextAsync(crd, cancellationToken));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/yaml");
            using var response = await server.Http.PostAsync(new Uri("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", UriKind.Relative), content, cancellationToken);
            response.EnsureSuccessStatusCode();
        }

        using var client = new KubernetesClient(KubernetesClientConfiguration.FromKubeconfig(server.KubeconfigPath));
        foreach (var ns in new[] { Ns, OperatorNs })
        {
            await client.CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = ns } }, cancellationToken);
        }

        var driveRoot = Path.Combine(server.Directory, "td-0");
        Directory.CreateDirectory(driveRoot);
        await client.CreateAsync(new TapeDrive { Metadata = new ObjectMeta { Name = "td-0" }, Spec = new TapeDriveSpec { Type = Spool.Api.V1Alpha1.DriveType.Directory, Path = driveRoot } }, cancellationToken);
        await client.CreateAsync(new BackupSchedule
        {
            Metadata = new ObjectMeta { Name = "fast", Namespace = Ns },
            Spec = new BackupScheduleSpec
            {
                Schedule = "*/2 * * * * *",
                FullEvery = 2,
                SuccessfulJobsHistoryLimit = 2,
                Retention = new RetentionPolicy { KeepLast = 3 },
                JobTemplate = new BackupJobTemplate { Spec = new BackupJobSpec { Source = new BackupSource { PersistentVolumeClaim = "data" }, Destination = new BackupDestination { Drives = ["td-0"] } } },
            },
        }, cancellationToken);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await using var controllers = SchedulingControllers.Create(client, OperatorNs, new EventRecorder(client, "spool-operator"));
        var running = controllers.RunAsync(stop.Token);
        var history = new List<(long Run, BackupMode Mode, string Id, string? Parent)>();
        var simulator = SimulateAsync(client, driveRoot, history, stop.Token);

        // Let eight runs happen, then suspend and let the catalog settle.
        await Eventually(async () => (await client.GetAsync<BackupSchedule>("fast", Ns, cancellationToken))?.Status?.RunCount >= 8, cancellationToken);
        await client.PatchAsync<BackupSchedule>("fast", Ns, KubePatch.Merge("""{"spec":{"suspend":true}}"""), cancellationToken: cancellationToken);
        var final = 0L;
        await Eventually(async () =>
        {
            var s = await client.GetAsync<BackupSchedule>("fast", Ns, cancellationToken);
            final = s!.Status!.RunCount;
            var entries = await EntriesAsync(client, cancellationToken);
            lock (history)
            {
                return s.Status.Conditions?.Any(c => c.Type == ScheduleConditions.Suspended && c.Status == ConditionStatus.True) == true
                    && history.Count == final
                    && entries.Count(e => e.State == CatalogEntryState.Complete) + (s.Status.Retention?.ExpiredTotal ?? 0) == final
                    && entries.All(e => e.State == CatalogEntryState.Complete);
            }
        }, cancellationToken, async () =>
        {
            var s = await client.GetAsync<BackupSchedule>("fast", Ns, cancellationToken);
            var entries = await EntriesAsync(client, cancellationToken);
            var map = await client.GetAsync<ConfigMap>(CatalogNames.ConfigMapFor("td-0"), OperatorNs, cancellationToken);
            lock (history)
            {
                return $"status={KubeJson.Serialize(s?.Status)} history={history.Count} entries={string.Join(",", entries.Select(e => e.BackupId + ":" + e.State))} reclaimed={map?.Data?.GetValueOrDefault(CatalogNames.ReclaimedKey)}";
            }
        });

        await stop.CancelAsync();
        await Task.WhenAll(running, simulator).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);

        var runs = history.OrderBy(h => h.Run).ToList();
        runs.Select(h => h.Run).Should().Equal(Enumerable.Range(1, (int)final).Select(i => (long)i));
        runs.Should().OnlyContain(h => h.Mode == (h.Run % 2 == 1 ? BackupMode.Full : BackupMode.Incremental), "fullEvery 2 alternates full and incremental");

        // Expected retention: the newest three and every ancestor of a kept incremental.
        var keep = runs.TakeLast(3).Select(h => h.Id).ToHashSet();
        foreach (var h in runs.AsEnumerable().Reverse())
        {
            if (keep.Contains(h.Id) && h.Parent is not null)
            {
                keep.Add(h.Parent);
            }
        }

        var catalog = await EntriesAsync(client, cancellationToken);
        catalog.Select(e => e.BackupId).Should().BeEquivalentTo(keep);
        catalog.Should().OnlyContain(e => CatalogQuery.Chain(catalog, e.BackupId) != null, "no chain is broken");
        Directory.GetFiles(driveRoot).Select(Path.GetFileName).Should().BeEquivalentTo(keep.Select(id => id + ".tape"), "expired backups' tape files are deleted");
        CatalogQuery.LatestBefore(catalog, Ns, "data", null)!.BackupId.Should().Be(runs[^1].Id);
        var latestChain = CatalogQuery.Chain(catalog, runs[^1].Id)!;
        latestChain[0].Mode.Should().Be(BackupMode.Full);

        var schedule = await client.GetAsync<BackupSchedule>("fast", Ns, cancellationToken);
        schedule!.Status!.Retention!.ExpiredTotal.Should().Be(final - keep.Count);
        schedule.Status.Retention.Retained.Should().Be(keep.Count);
        var jobs = await client.ListAsync<BackupJob>(Ns, cancellationToken: cancellationToken);
        jobs.Items.Count.Should().BeLessThanOrEqualTo(2, "successfulJobsHistoryLimit is 2");
        var events = await client.ListAsync<CoreEvent>(Ns, cancellationToken: cancellationToken);
        events.Items.Select(e => e.Reason).Should().Contain(["SuccessfulCreate", "BackupExpired", "BackupReclaimed"]);
    }

    /// <summary>The BackupJob operator, the data path and the agent, reduced to what a schedule needs from them.</summary>
    private static async Task SimulateAsync(KubernetesClient client, string driveRoot, List<(long, BackupMode, string, string?)> history, CancellationToken cancellationToken)
    {
        string? lastGood = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                foreach (var job in (await client.ListAsync<BackupJob>(Ns, cancellationToken: cancellationToken)).Items.Where(j => j.Status?.Phase is null).OrderBy(j => j.Metadata.Name, StringComparer.Ordinal))
                {
                    var id = "b-" + job.Metadata.Name;
                    var parent = job.Spec.Mode == BackupMode.Incremental ? lastGood : null;
                    await File.WriteAllTextAsync(Path.Combine(driveRoot, id + ".tape"), id, cancellationToken);
                    await client.UpdateStatusAsync(job with
                    {
                        Status = new BackupJobStatus
                        {
                            Phase = BackupPhase.Succeeded,
                            BackupId = id,
                            CompletionTime = TimeProvider.System.GetUtcNow(),
                            Catalog = new CatalogLocation { BackupId = id, Drives = ["td-0"], Bytes = id.Length, Files = 1, Parent = parent, Verified = true },
                        },
                    }, cancellationToken);
                    lastGood = id;
                    lock (history)
                    {
                        history.Add((long.Parse(job.Metadata.Annotations![BackupScheduleLabels.Run], CultureInfo.InvariantCulture), job.Spec.Mode, id, parent));
                    }
                }

                var map = await client.GetAsync<ConfigMap>(CatalogNames.ConfigMapFor("td-0"), OperatorNs, cancellationToken);
                if (map is not null)
                {
                    var catalog = CatalogConfigMaps.Read("td-0", map);
                    var reclaim = catalog.Entries.Where(e => e.State == CatalogEntryState.Expiring && !catalog.Reclaimed.Contains(e.BackupId)).Select(e => e.BackupId).ToList();
                    if (reclaim.Count > 0)
                    {
                        foreach (var id in reclaim)
                        {
                            File.Delete(Path.Combine(driveRoot, id + ".tape"));
                        }

                        var reclaimed = catalog.Reclaimed.Concat(reclaim).ToList();
                        var patch = KubeJson.Serialize(new { metadata = new { resourceVersion = map.Metadata.ResourceVersion }, data = new Dictionary<string, string> { [CatalogNames.ReclaimedKey] = KubeJson.Serialize(reclaimed) } });
                        await client.PatchAsync<ConfigMap>(map.Metadata.Name!, OperatorNs, KubePatch.Merge(patch), cancellationToken: cancellationToken);
                    }
                }
            }
            catch (KubernetesConflictException)
            {
                // Raced with the operator; read again.
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task<IReadOnlyList<CatalogEntry>> EntriesAsync(KubernetesClient client, CancellationToken cancellationToken)
    {
        var map = await client.GetAsync<ConfigMap>(CatalogNames.ConfigMapFor("td-0"), OperatorNs, cancellationToken);
        return CatalogQuery.Merge([CatalogConfigMaps.Read("td-0", map)]);
    }

    private static async Task Eventually(Func<Task<bool>> condition, CancellationToken cancellationToken, Func<Task<string>>? describe = null)
    {
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(60);
        while (!await condition())
        {
            if (TimeProvider.System.GetUtcNow() > deadline)
            {
                Assert.Fail("the condition did not hold within a minute: " + (describe is null ? "" : await describe()));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }
}
