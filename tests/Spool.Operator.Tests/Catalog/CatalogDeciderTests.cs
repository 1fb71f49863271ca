using Spool.Api.V1Alpha1;
using Spool.Operator.Catalog;
using Spool.Operator.Decisions;
using DriveType = Spool.Api.V1Alpha1.DriveType;

namespace Spool.Operator.Tests.Catalog;

public sealed class CatalogDeciderTests
{
    [Test]
    public void Finished_jobs_are_recorded_per_drive_and_per_source()
    {
        var world = new CatalogWorld();
        world.AddDrive("td-0", DriveType.Directory);
        world.AddDrive("td-1", DriveType.Directory);
        world.Succeed("full", null, 5, drives: ["td-0", "td-1"]);
        world.Succeed("inc", "full", 1, drives: ["td-0"]);
        world.Reconcile();

        world.ConfigMaps.Keys.Should().BeEquivalentTo("spool-catalog-td-0", "spool-catalog-td-1");
        var map = world.ConfigMaps["spool-catalog-td-0"];
        map.Metadata.Namespace.Should().Be(CatalogWorld.OperatorNamespace);
        map.Data!.Keys.Should().Contain("shop_data").And.Contain(CatalogNames.MediumKey);
        map.Data[CatalogNames.MediumKey].Should().Be("InUse");
        var entries = world.Entries;
        entries.Should().HaveCount(2);
        var inc = entries.Single(e => e.BackupId == "id-inc");
        inc.Mode.Should().Be(BackupMode.Incremental);
        inc.Parent.Should().Be("id-full");
        inc.State.Should().Be(CatalogEntryState.Complete);
        inc.Schedule.Should().Be("nightly");
        inc.Time.Should().Be(world.Now.AddHours(-1));
        entries.Single(e => e.BackupId == "id-full").Drives.Should().BeEquivalentTo("td-0", "td-1");

        world.Reconcile();
        world.Writes.Should().Be(2, "a second pass over the same cluster writes nothing");
    }

    [Test]
    public void Failed_jobs_that_wrote_data_are_recorded_incomplete_and_expired()
    {
        var world = new CatalogWorld();
        world.AddDrive("td-0", DriveType.Directory);
        world.Jobs.Add(new BackupJob
        {
            Metadata = new() { Name = "broken", Namespace = "shop" },
            Spec = new BackupJobSpec { Source = new BackupSource { PersistentVolumeClaim = "data" } },
            Status = new BackupJobStatus { Phase = BackupPhase.Failed, BackupId = "id-broken", Drives = [new HeldDrive { Name = "td-0" }], CompletionTime = world.Now },
        });
        world.Reconcile();
        var entry = world.Entries.Should().ContainSingle().Subject;
        entry.State.Should().Be(CatalogEntryState.Expiring);
        entry.ExpiryReason.Should().StartWith("Incomplete");
    }

    [Test]
    public void Directory_drive_expiry_waits_for_the_agent_then_leaves_the_catalog_for_good()
    {
        var world = new CatalogWorld();
        world.AddDrive("td-0", DriveType.Directory);
        world.AddSchedule("nightly", new RetentionPolicy { KeepLast = 2 });
        world.Succeed("f1", null, 50);
        world.Succeed("f2", null, 30);
        world.Succeed("f3", null, 10);
        world.Reconcile();

        world.Entries.Single(e => e.BackupId == "id-f1").State.Should().Be(CatalogEntryState.Expiring);
        world.Events.Should().ContainSingle(e => e.Reason == "BackupExpired" && e.Regarding.Kind == "BackupSchedule" && e.Message.Contains("id-f1"));
        world.Schedules[0].Status!.Retention.Should().BeEquivalentTo(new RetentionStatus { Retained = 2, Expiring = 1, ExpiredTotal = 0, LastExpiryTime = world.Now });
        CatalogQuery.LatestBefore(world.Entries, "shop", "data", world.Now.AddHours(-40)).Should().BeNull("an expiring backup is no longer restorable");

        world.Reconcile();
        world.Events.Count(e => e.Reason == "BackupExpired").Should().Be(1);

        world.AgentReclaims("td-0", "id-f1");
        world.Reconcile();
        world.Entries.Select(e => e.BackupId).Should().BeEquivalentTo("id-f2", "id-f3");
        world.Events.Should().ContainSingle(e => e.Reason == "BackupReclaimed");
        world.Schedules[0].Status!.Retention!.ExpiredTotal.Should().Be(1);
        world.Schedules[0].Status!.Retention!.Expiring.Should().Be(0);

        // The job of f1 still exists; its backup must not come back.
        world.Reconcile();
        world.Entries.Select(e => e.BackupId).Should().BeEquivalentTo("id-f2", "id-f3");
        world.ConfigMaps["spool-catalog-td-0"].Data![CatalogNames.ReclaimedKey].Should().Contain("id-f1", "the agent's key is never overwritten by the operator");

        world.Jobs.RemoveAll(j => j.Metadata.Name == "f1");
        world.Reconcile();
        world.Catalogs.Single().Expired.Should().BeEmpty("a tombstone is needed only while a job could re-record the backup");
    }

    [Test]
    public void A_chain_is_kept_whole_while_its_newest_incremental_is_kept()
    {
        var world = new CatalogWorld();
        world.AddDrive("td-0", DriveType.Directory);
        world.AddSchedule("nightly", new RetentionPolicy { KeepLast = 2 });
        world.Succeed("f1", null, 60);
        world.Succeed("i1", "f1", 50);
        world.Succeed("i2", "i1", 40);
        world.Succeed("f2", null, 30);
        world.Succeed("i3", "f2", 20);
        world.Reconcile();
        world.Entries.Where(e => e.State == CatalogEntryState.Complete).Select(e => e.BackupId).Should().BeEquivalentTo("id-f2", "id-i3");

        world.Schedules[0] = world.Schedules[0] with { Spec = world.Schedules[0].Spec with { Retention = new RetentionPolicy { KeepLast = 1, MaxAgeSeconds = 24 * 3600 } } };
        world.Succeed("i4", "i3", 1);
        world.Reconcile();
        world.Entries.Where(e => e.State == CatalogEntryState.Complete).Select(e => e.BackupId).Should().BeEquivalentTo("id-f2", "id-i3", "id-i4");
        world.Schedules[0].Status!.Retention!.RetainedForChains.Should().Be(1, "i3 is young enough; f2 stays only for the chain");
        CatalogQuery.Chain(world.Entries, "id-i4")!.Select(e => e.BackupId).Should().Equal("id-f2", "id-i3", "id-i4");
    }

    [Test]
    public void Ttl_expiry_is_requeued_for_the_moment_a_backup_ages_out()
    {
        var world = new CatalogWorld();
        world.AddDrive("td-0", DriveType.Directory);
        world.AddSchedule("nightly", new RetentionPolicy { MaxAgeSeconds = 3600 * 24 });
        world.Succeed("f1", null, 20);
        world.Succeed("f2", null, 2);
        world.Reconcile();
        world.LastRequeue.Should().Be(TimeSpan.FromHours(4) + TimeSpan.FromSeconds(1));
        world.Entries.Should().OnlyContain(e => e.State == CatalogEntryState.Complete);

        world.Now += world.LastRequeue!.Value;
        world.Reconcile();
        world.Entries.Single(e => e.BackupId == "id-f1").State.Should().Be(CatalogEntryState.Expiring);
        world.Entries.Single(e => e.BackupId == "id-f2").State.Should().Be(CatalogEntryState.Complete, "the newest backup of a source always stays");
    }

    [Test]
    public void A_tape_medium_becomes_reusable_once_every_backup_on_it_has_expired()
    {
        var world = new CatalogWorld();
        world.AddDrive("tape-0", DriveType.Tape);
        world.AddDrive("tape-1", DriveType.Tape);
        world.AddSchedule("nightly", new RetentionPolicy { KeepLast = 1 });
        world.Succeed("f1", null, 30, drives: ["tape-0"]);
        world.Succeed("f2", null, 20, drives: ["tape-0"]);
        world.Succeed("f3", null, 10, drives: ["tape-1"]);
        world.Reconcile();

        world.Catalogs.Single(c => c.Drive == "tape-0").Medium.Should().Be(MediumState.Reusable);
        world.Catalogs.Single(c => c.Drive == "tape-0").Entries.Should().BeEmpty();
        world.Catalogs.Single(c => c.Drive == "tape-1").Medium.Should().Be(MediumState.InUse);
        world.Events.Should().ContainSingle(e => e.Reason == "MediumReusable" && e.Regarding.Name == "tape-0" && e.Regarding.Kind == "TapeDrive");
        world.Schedules[0].Status!.Retention!.ExpiredTotal.Should().Be(2);
    }

    [Test]
    public void A_reused_tape_medium_is_in_use_again_once_its_new_backup_is_recorded_and_the_agents_record_is_kept()
    {
        var world = new CatalogWorld();
        world.AddDrive("tape-0", DriveType.Tape);
        world.AddDrive("tape-1", DriveType.Tape);
        world.AddSchedule("nightly", new RetentionPolicy { KeepLast = 2 });
        world.Succeed("f1", null, 30, drives: ["tape-0"]);
        world.Succeed("f2", null, 20, drives: ["tape-1"]);
        world.Succeed("f3", null, 10, drives: ["tape-1"]);
        world.Reconcile();
        world.Catalogs.Single(c => c.Drive == "tape-0").Medium.Should().Be(MediumState.Reusable);

        // A writer takes the medium and overwrites it; the operator keeps the agent's key and says Reusable until the new backup is recorded.
        world.AgentWrites("tape-0", CatalogNames.MediumReuseKey, """{"backupId":"id-f4","job":"shop/f4","epoch":1}""");
        world.Reconcile();
        world.Catalogs.Single(c => c.Drive == "tape-0").Medium.Should().Be(MediumState.Reusable);
        world.Succeed("f4", null, 1, drives: ["tape-0"]);
        world.Reconcile();

        var catalog = world.Catalogs.Single(c => c.Drive == "tape-0");
        catalog.Medium.Should().Be(MediumState.InUse);
        catalog.Entries.Select(e => e.BackupId).Should().Equal("id-f4");
        world.ConfigMaps["spool-catalog-tape-0"].Data![CatalogNames.MediumReuseKey].Should().Contain("id-f4", "the operator never overwrites an agent's key");
    }

    [Test]
    public void A_tape_medium_with_one_live_backup_keeps_its_expired_ones_listed()
    {
        var world = new CatalogWorld();
        world.AddDrive("tape-0", DriveType.Tape);
        world.AddSchedule("nightly", new RetentionPolicy { KeepLast = 1 });
        world.Succeed("f1", null, 30, drives: ["tape-0"]);
        world.Succeed("f2", null, 20, drives: ["tape-0"]);
        world.Reconcile();
        var catalog = world.Catalogs.Single();
        catalog.Medium.Should().Be(MediumState.InUse);
        catalog.Entries.Single(e => e.BackupId == "id-f1").State.Should().Be(CatalogEntryState.Expired);
    }

    [Test]
    public void Pinned_backups_survive_retention()
    {
        var world = new CatalogWorld();
        world.AddDrive("td-0", DriveType.Directory);
        world.AddSchedule("nightly", new RetentionPolicy { KeepLast = 1 });
        world.Succeed("f1", null, 30);
        world.Succeed("f2", null, 20);
        world.Pinned.Add("id-f1");
        world.Reconcile();
        world.Entries.Should().OnlyContain(e => e.State == CatalogEntryState.Complete);
    }

    [Test]
    public void Backups_without_a_schedule_are_reported_on_their_drive()
    {
        var world = new CatalogWorld();
        world.AddDrive("td-0", DriveType.Directory);
        world.Jobs.Add(new BackupJob
        {
            Metadata = new() { Name = "manual", Namespace = "shop" },
            Spec = new BackupJobSpec { Source = new BackupSource { PersistentVolumeClaim = "data" } },
            Status = new BackupJobStatus { Phase = BackupPhase.Failed, BackupId = "id-m", Drives = [new HeldDrive { Name = "td-0" }] },
        });
        world.Reconcile();
        world.Events.Should().ContainSingle(e => e.Reason == "BackupExpired").Which.Regarding.Kind.Should().Be("TapeDrive");
        world.Reconcile().OfType<PatchRetentionStatus>().Should().BeEmpty();
    }
}
