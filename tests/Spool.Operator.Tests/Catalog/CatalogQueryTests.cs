using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.Operator.Catalog;

namespace Spool.Operator.Tests.Catalog;

public sealed class CatalogQueryTests
{
    private static readonly DateTimeOffset T = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly List<CatalogEntry> Entries =
    [
        E("f1", -50), E("i1", -40, "f1"), E("i2", -30, "i1"), E("f2", -20), E("i3", -10, "f2"),
        E("other", -5) with { PersistentVolumeClaim = "logs" },
        E("gone", -3, "missing-parent"),
        E("expiring", -1) with { State = CatalogEntryState.Expiring },
    ];

    [Test]
    public void Latest_before_picks_the_newest_complete_restorable_backup_at_or_before_the_time()
    {
        CatalogQuery.LatestBefore(Entries, "shop", "data", null)!.BackupId.Should().Be("i3", "expiring and broken-chain backups are not restorable");
        CatalogQuery.LatestBefore(Entries, "shop", "data", T.AddHours(-25))!.BackupId.Should().Be("i2");
        CatalogQuery.LatestBefore(Entries, "shop", "data", T.AddHours(-30))!.BackupId.Should().Be("i2", "at the time counts as before");
        CatalogQuery.LatestBefore(Entries, "shop", "data", T.AddHours(-51)).Should().BeNull();
        CatalogQuery.LatestBefore(Entries, "shop", "logs", null)!.BackupId.Should().Be("other");
        CatalogQuery.LatestBefore(Entries, "other-ns", "data", null).Should().BeNull();
    }

    [Test]
    public void Unfinished_restores_pin_their_backup_and_a_federated_one_the_backups_of_the_workloads_it_has_yet_to_restore_with_their_chains()
    {
        static BackupJob Child(string name, string id) => new()
        {
            Metadata = new Spool.Api.ObjectMeta { Name = name, Namespace = "shop" },
            Status = new BackupJobStatus { Phase = BackupPhase.Succeeded, Catalog = new CatalogLocation { BackupId = id } },
        };

        var jobs = new[] { Child("run-000-a", "i2"), Child("run-001-b", "f2"), Child("run-002-c", "other") };
        var single = new RestoreJob { Metadata = new Spool.Api.ObjectMeta { Name = "one", Namespace = "shop" }, Status = new RestoreJobStatus { Phase = RestorePhase.Running, Backup = new CatalogLocation { BackupId = "i3" } } };
        var federated = new RestoreJob
        {
            Metadata = new Spool.Api.ObjectMeta { Name = "all", Namespace = "shop" },
            Status = new RestoreJobStatus
            {
                Phase = RestorePhase.Running,
                Workloads =
                [
                    new WorkloadRestore { Namespace = "shop", PersistentVolumeClaim = "a", BackupJob = "run-000-a", Phase = RestorePhase.Running },
                    new WorkloadRestore { Namespace = "shop", PersistentVolumeClaim = "b", BackupJob = "run-001-b", Phase = RestorePhase.Succeeded },
                    new WorkloadRestore { Namespace = "shop", PersistentVolumeClaim = "c", BackupJob = "run-002-c" },
                ],
            },
        };
        var done = single with { Metadata = single.Metadata with { Name = "done" }, Status = single.Status! with { Phase = RestorePhase.Succeeded, Backup = new CatalogLocation { BackupId = "gone" } } };

        CatalogQuery.Pinned([single, federated, done], jobs, Entries).Should().BeEquivalentTo(["i3", "f2", "f1", "i1", "i2", "other"],
            "i3 needs f2; workload a (i2, with f1 and i1) is being restored and c (other) is next; b is done and the finished restore pins nothing");
    }

    [Test]
    public void A_chain_lists_the_full_first_and_is_null_when_a_link_is_missing_or_expired()
    {
        CatalogQuery.Chain(Entries, "i2")!.Select(e => e.BackupId).Should().Equal("f1", "i1", "i2");
        CatalogQuery.Chain(Entries, "gone").Should().BeNull();
        CatalogQuery.Chain(Entries, "expiring").Should().BeNull();
        CatalogQuery.Chain(Entries, "nope").Should().BeNull();
        var broken = Entries.Select(e => e.BackupId == "i1" ? e with { State = CatalogEntryState.Expiring } : e).ToList();
        CatalogQuery.Chain(broken, "i2").Should().BeNull();
        CatalogQuery.LatestBefore(broken, "shop", "data", T.AddHours(-25))!.BackupId.Should().Be("f1");
    }

    [Test]
    public void Merge_unions_drives_and_takes_the_least_alive_state()
    {
        var a = new DriveCatalog { Drive = "td-0", Entries = [E("f1", -5) with { Drives = ["td-0"] }] };
        var b = new DriveCatalog { Drive = "td-1", Entries = [E("f1", -5) with { Drives = ["td-1"], State = CatalogEntryState.Expiring }] };
        var merged = CatalogQuery.Merge([a, b]).Should().ContainSingle().Subject;
        merged.Drives.Should().BeEquivalentTo("td-0", "td-1");
        merged.State.Should().Be(CatalogEntryState.Expiring);
    }

    [Test]
    public void To_location_carries_what_a_restore_needs()
    {
        var location = CatalogQuery.ToLocation(E("i1", -1, "f1") with { Bytes = 42, Files = 2, Drives = ["td-0", "td-1"], Redundancy = RedundancyMode.Mirror, Verified = true });
        location.Should().BeEquivalentTo(new CatalogLocation { BackupId = "i1", Parent = "f1", Bytes = 42, Files = 2, Drives = ["td-0", "td-1"], Redundancy = RedundancyMode.Mirror, Verified = true });
    }

    [Test]
    public void Config_map_round_trip_keeps_entries_and_tolerates_a_broken_key()
    {
        var catalog = new DriveCatalog { Drive = "td-0", Entries = Entries, Expired = ["old"], Medium = MediumState.InUse };
        var map = CatalogConfigMaps.Write(catalog, "spool-system", null);
        map.Metadata.Name.Should().Be("spool-catalog-td-0");
        map.Metadata.Labels.Should().Contain(BackupScheduleLabels.Catalog, "true").And.Contain(BackupScheduleLabels.Drive, "td-0");
        map.Data!.Keys.Should().BeEquivalentTo("shop_data", "shop_logs", "expired", "medium");
        var back = CatalogConfigMaps.Read("td-0", map with { Metadata = map.Metadata with { ResourceVersion = "7" } });
        back.SameContentAs(catalog).Should().BeTrue();
        back.ResourceVersion.Should().Be("7");

        var data = new Dictionary<string, string>(map.Data) { ["shop_logs"] = "{not json" };
        CatalogConfigMaps.Read("td-0", new ConfigMap { Data = data }).Entries.Should().NotContain(e => e.PersistentVolumeClaim == "logs");
    }

    private static CatalogEntry E(string id, double hours, string? parent = null) => new()
    {
        BackupId = id,
        Namespace = "shop",
        PersistentVolumeClaim = "data",
        Time = T.AddHours(hours),
        Mode = parent is null ? BackupMode.Full : BackupMode.Incremental,
        Parent = parent,
        Drives = ["td-0"],
    };
}
