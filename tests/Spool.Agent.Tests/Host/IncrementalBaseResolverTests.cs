using Spool.Agent.Host.Streaming;
using Spool.Agent.Tests.Host.Fakes;
using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;

namespace Spool.Agent.Tests.Host;

public sealed class IncrementalBaseResolverTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task The_newest_complete_backup_with_a_complete_chain_is_the_base()
    {
        var client = new FakeKubernetesClient();
        Catalog(client, "td-0",
            Entry("full-1", T0, null),
            Entry("inc-2", T0.AddDays(1), "full-1"),
            Entry("inc-3", T0.AddDays(2), "missing-parent"),
            Entry("inc-4", T0.AddDays(3), "inc-2", CatalogEntryState.Incomplete));
        var resolver = new IncrementalBaseResolver(client, "spool-system");

        var found = await resolver.LatestCompleteAsync("apps", "data", CancellationToken.None);

        found!.BackupId.Should().Be("inc-2");
        (await resolver.LatestCompleteAsync("apps", "other", CancellationToken.None)).Should().BeNull("a source with no backups gets a full backup");
        (await resolver.FindAsync("apps", "data", BackupIds.ToGuid("full-1"), CancellationToken.None))!.BackupId.Should().Be("full-1");
    }

    [Test]
    public async Task A_mirrored_backup_listed_by_two_drives_merges_its_drives_and_keeps_the_least_alive_state()
    {
        var client = new FakeKubernetesClient();
        Catalog(client, "td-0", Entry("full-1", T0, null) with { Drives = ["td-0"] }, Entry("full-2", T0.AddDays(1), null) with { Drives = ["td-0"] });
        Catalog(client, "td-1", Entry("full-1", T0, null) with { Drives = ["td-1"] }, Entry("full-2", T0.AddDays(1), null, CatalogEntryState.Expiring) with { Drives = ["td-1"] });

        var found = await new IncrementalBaseResolver(client, "spool-system").LatestCompleteAsync("apps", "data", CancellationToken.None);

        found!.BackupId.Should().Be("full-1");
        found.Drives.Should().BeEquivalentTo(["td-0", "td-1"]);
    }

    private static CatalogEntry Entry(string id, DateTimeOffset time, string? parent, CatalogEntryState state = CatalogEntryState.Complete) => new()
    {
        BackupId = id,
        Namespace = "apps",
        PersistentVolumeClaim = "data",
        Time = time,
        Mode = parent is null ? BackupMode.Full : BackupMode.Incremental,
        Parent = parent,
        Drives = ["td-0"],
        State = state,
    };

    private static void Catalog(FakeKubernetesClient client, string drive, params CatalogEntry[] entries) =>
        client.Put(new ConfigMap
        {
            Metadata = new ObjectMeta { Name = "spool-catalog-" + drive, Namespace = "spool-system", Labels = new Dictionary<string, string> { ["spool.dev/catalog"] = "true" } },
            Data = new Dictionary<string, string> { ["apps_data"] = KubeJson.Serialize(entries.ToList()) },
        });
}
