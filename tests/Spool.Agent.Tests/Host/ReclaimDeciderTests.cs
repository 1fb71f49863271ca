using Spool.Agent.Host.Reclaim;
using Spool.Agent.Host.Streaming;
using Spool.Api.V1Alpha1;
using Spool.DataPath.Drives;
using ApiDriveType = Spool.Api.V1Alpha1.DriveType;
using TapeDrive = Spool.Api.V1Alpha1.TapeDrive;

namespace Spool.Agent.Tests.Host;

public sealed class ReclaimDeciderTests
{
    private const string Node = "node-a";

    [Test]
    public void Deletes_the_tape_files_of_an_expiring_backup_and_reports_nothing_before_a_fresh_listing()
    {
        var observation = Observe(
            [Entry("full-1", CatalogEntryState.Expiring), Entry("full-2", CatalogEntryState.Complete)],
            [File(1, "full-1"), File(2, "full-1"), File(3, "full-2")]);

        var plan = ReclaimDecider.Decide(observation);

        plan.Skip.Should().BeNull();
        plan.Deletions.Should().ContainSingle().Which.Should().BeEquivalentTo(new ReclaimDeletion("full-1", BackupIds.ToGuid("full-1"), [Address(1), Address(2)]));
        plan.Verified.Should().BeEmpty("files that are still listed are not reported reclaimed");
        plan.WriteReclaimed.Should().BeFalse();
    }

    [Test]
    public void Reports_an_expiring_backup_once_no_tape_file_of_it_is_listed()
    {
        var observation = Observe(
            [Entry("full-1", CatalogEntryState.Expiring), Entry("full-2", CatalogEntryState.Complete)],
            [File(3, "full-2")]);

        var plan = ReclaimDecider.Decide(observation);

        plan.Deletions.Should().BeEmpty();
        plan.Verified.Should().Equal("full-1");
        plan.Reclaimed.Should().Equal("full-1");
        plan.WriteReclaimed.Should().BeTrue();
    }

    [Test]
    public void Asks_for_the_drive_listing_only_when_something_is_expiring()
    {
        ReclaimDecider.Decide(Observe([Entry("full-1", CatalogEntryState.Expiring)], files: null)).NeedsFiles.Should().BeTrue();
        var idle = ReclaimDecider.Decide(Observe([Entry("full-1", CatalogEntryState.Complete)], files: null));
        idle.NeedsFiles.Should().BeFalse();
        idle.WriteReclaimed.Should().BeFalse();
    }

    [Test]
    public void A_drive_claimed_by_a_job_is_never_touched()
    {
        var observation = Observe([Entry("full-1", CatalogEntryState.Expiring)], [File(1, "full-1")]) is var o
            ? o with { Drive = o.Drive with { Status = new TapeDriveStatus { Phase = DrivePhase.InUse, Holder = new DriveHolder { Job = "apps/nightly", Epoch = 3, Node = "node-b" } } } }
            : null!;

        var plan = ReclaimDecider.Decide(observation);

        plan.Skip.Should().Contain("held by BackupJob apps/nightly at epoch 3");
        plan.Deletions.Should().BeEmpty();
        plan.WriteReclaimed.Should().BeFalse();
    }

    [TestCase("tape")]
    [TestCase("offline")]
    [TestCase("failed")]
    [TestCase("other-node")]
    [TestCase("path-missing")]
    public void Drives_this_agent_must_not_or_cannot_reclaim_are_skipped(string why)
    {
        var o = Observe([Entry("full-1", CatalogEntryState.Expiring)], [File(1, "full-1")]);
        o = why switch
        {
            "tape" => o with { Drive = o.Drive with { Spec = o.Drive.Spec with { Type = ApiDriveType.Tape } } },
            "offline" => o with { Drive = o.Drive with { Spec = o.Drive.Spec with { Offline = true } } },
            "failed" => o with { Drive = o.Drive with { Status = new TapeDriveStatus { Phase = DrivePhase.Failed } } },
            "other-node" => o with { Drive = o.Drive with { Spec = o.Drive.Spec with { Nodes = ["node-b"] } } },
            _ => o with { PathPresent = false },
        };

        var plan = ReclaimDecider.Decide(o);

        plan.Skip.Should().NotBeNull();
        plan.Deletions.Should().BeEmpty();
        plan.NeedsFiles.Should().BeFalse("a skipped drive is not even read");
    }

    [Test]
    public void A_full_that_a_retained_incremental_builds_on_is_kept_even_if_marked_expiring()
    {
        var observation = Observe(
            [Entry("full-1", CatalogEntryState.Expiring), Entry("inc-1", CatalogEntryState.Expiring, parent: "full-1"), Entry("inc-2", CatalogEntryState.Complete, parent: "inc-1")],
            [File(1, "full-1"), File(2, "inc-1"), File(3, "inc-2")]);

        var plan = ReclaimDecider.Decide(observation);

        plan.Deletions.Should().BeEmpty("inc-2 is retained and restores through inc-1 and full-1");
        plan.Blocked.Select(b => b.BackupId).Should().Equal("full-1", "inc-1");
        plan.Blocked.Should().OnlyContain(b => b.Reason.Contains("inc-2", StringComparison.Ordinal));
    }

    [Test]
    public void A_chain_on_another_drive_protects_its_ancestors_here()
    {
        var observation = Observe([Entry("full-1", CatalogEntryState.Expiring)], [File(1, "full-1")]) with
        {
            AllEntries = [Entry("inc-1", CatalogEntryState.Complete, parent: "full-1") with { Drives = ["td-1"] }],
        };

        ReclaimDecider.Decide(observation).Blocked.Should().ContainSingle(b => b.BackupId == "full-1");
    }

    [Test]
    public void A_tape_file_in_the_chain_of_a_retained_backup_is_never_deleted()
    {
        var observation = Observe(
            [Entry("full-1", CatalogEntryState.Expiring), Entry("full-2", CatalogEntryState.Complete)],
            [File(1, "full-1"), File(2, "full-1")]) with
        {
            RetainedFiles = new HashSet<TapeFileAddress> { Address(2) },
        };

        var plan = ReclaimDecider.Decide(observation);

        plan.Deletions.Should().ContainSingle().Which.Files.Should().Equal(Address(1));
        plan.Blocked.Should().ContainSingle(b => b.BackupId == "full-1" && b.Reason.Contains("medium 1 file 2", StringComparison.Ordinal));
        plan.Verified.Should().BeEmpty();
    }

    [Test]
    public void A_backup_named_by_the_drives_pending_operation_is_left_for_that_operation()
    {
        var o = Observe([Entry("full-1", CatalogEntryState.Expiring)], [File(1, "full-1")]);
        o = o with { Drive = o.Drive with { Status = new TapeDriveStatus { PendingOperation = new PendingDriveOperation { Operation = "Recover", Job = "apps/x", BackupId = "full-1" } } } };

        var plan = ReclaimDecider.Decide(o);

        plan.Deletions.Should().BeEmpty();
        plan.Blocked.Should().ContainSingle().Which.Reason.Should().Contain("Recover");
    }

    [Test]
    public void Files_of_other_or_unreadable_backups_are_never_deleted()
    {
        var observation = Observe(
            [Entry("full-1", CatalogEntryState.Expiring)],
            [File(1, "full-1"), File(2, "in-flight"), new ReclaimFile(Address(3), null)]);

        ReclaimDecider.Decide(observation).Deletions.Should().ContainSingle().Which.Files.Should().Equal(Address(1));
    }

    [Test]
    public void Ids_no_entry_names_any_more_leave_the_reclaimed_key_and_reported_ids_stay_until_then()
    {
        var observation = Observe([Entry("full-2", CatalogEntryState.Expiring), Entry("full-3", CatalogEntryState.Complete)], [File(3, "full-3")]) with
        {
            Reclaimed = ["full-1", "full-2"],
        };

        var plan = ReclaimDecider.Decide(observation);

        plan.Reclaimed.Should().Equal("full-2");
        plan.WriteReclaimed.Should().BeTrue();
        plan.Deletions.Should().BeEmpty("full-2 is reported already");
        plan.Verified.Should().BeEmpty();
    }

    private static ReclaimObservation Observe(IReadOnlyList<CatalogEntry> entries, IReadOnlyList<ReclaimFile>? files) => new()
    {
        Node = Node,
        Drive = new TapeDrive
        {
            Metadata = new() { Name = "td-0" },
            Spec = new TapeDriveSpec { Type = ApiDriveType.Directory, Path = "/drives/td-0" },
            Status = new TapeDriveStatus { Phase = DrivePhase.Available },
        },
        PathPresent = true,
        Entries = entries,
        AllEntries = entries,
        Files = files,
    };

    private static CatalogEntry Entry(string id, CatalogEntryState state, string? parent = null) => new()
    {
        BackupId = id,
        Namespace = "apps",
        PersistentVolumeClaim = "data",
        Mode = parent is null ? BackupMode.Full : BackupMode.Incremental,
        Parent = parent,
        Drives = ["td-0"],
        State = state,
    };

    private static TapeFileAddress Address(int file) => new(1, file);

    private static ReclaimFile File(int file, string backup) => new(Address(file), BackupIds.ToGuid(backup));
}
