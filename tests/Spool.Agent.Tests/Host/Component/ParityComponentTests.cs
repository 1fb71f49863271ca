using Spool.Agent.Host.Jobs;
using Spool.Api.V1Alpha1;

namespace Spool.Agent.Tests.Host.Component;

/// <summary>
/// The agent writes a Parity 3+1 job to all four claimed member drives, or to three with the fourth recorded as failed,
/// and a RestoreJob over what is left of the set is byte-identical and reports the missing member.
/// </summary>
[Category("Component")]
public sealed class ParityComponentTests
{
    private static readonly string[] Members = ["td-0", "td-1", "td-2", "td-3"];

    private AgentHarness _harness = null!;

    [SetUp]
    public async Task SetUp() => _harness = await AgentHarness.StartAsync();

    [TearDown]
    public async Task TearDown()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            await TestContext.Out.WriteLineAsync(_harness.Log.ToString());
        }

        await _harness.DisposeAsync();
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task A_parity_backup_restores_byte_identical_with_a_member_drive_deleted(bool startDegraded)
    {
        var (pod, mount) = await _harness.CreateWorkloadAsync("db-0", megabytes: 4);
        foreach (var name in Members)
        {
            await _harness.CreateDriveAsync(name);
        }

        var job = await _harness.Client.CreateAsync(new BackupJob
        {
            Metadata = new() { Name = "striped", Namespace = AgentHarness.Namespace, Labels = new Dictionary<string, string> { [SpoolGroup.NodeLabel] = AgentHarness.Node } },
            Spec = new BackupJobSpec
            {
                Source = new BackupSource { PersistentVolumeClaim = "data" },
                Destination = new BackupDestination { Drives = Members, Redundancy = new RedundancySpec { Mode = RedundancyMode.Parity, Width = 4 } },
                Checkpoint = new CheckpointPolicy { IntervalBytes = 1 << 20, IntervalSeconds = 1 },
            },
        });
        await _harness.StartAgentAsync();

        // What the operator does: claim the members, then place the job; a degraded start records member 2 as failed.
        var held = Members.Select((name, i) => new HeldDrive { Name = name, Member = i, State = startDegraded && i == 2 ? "Failed" : "Active" }).ToList();
        foreach (var drive in held.Where(h => h.State == "Active"))
        {
            await _harness.ClaimAsync(drive.Name, BackupJob.KindValue, "striped", job.Metadata.Uid, 1, AgentHarness.Node);
        }

        await _harness.Client.UpdateStatusAsync(job with
        {
            Status = new BackupJobStatus
            {
                Phase = BackupPhase.Running,
                Epoch = 1,
                Node = AgentHarness.Node,
                BackupId = Guid.NewGuid().ToString(),
                Segment = 1,
                Volume = new ResolvedVolume { Namespace = AgentHarness.Namespace, PersistentVolumeClaim = "data", PersistentVolume = "pv-data", Pod = pod.Metadata.Name, PodUid = pod.Metadata.Uid, Node = AgentHarness.Node, Resolution = "RunningPod" },
                Drives = held,
                DegradedStripes = startDegraded ? [new DegradedRange { Member = 2, Drive = "td-2", FromStripe = 0 }] : null,
                Attempts = [new Attempt { Epoch = 1, Node = AgentHarness.Node, Drives = held.Where(h => h.State == "Active").Select(h => h.Name).ToList(), Restart = "Fresh" }],
            },
        });

        var backup = await _harness.WaitForAsync<BackupJob>("striped", j => j.Status?.Report is not null);
        var report = backup.Status!.Report!;
        report.Outcome.Should().Be(ReportOutcomes.Completed, report.Message);
        report.Catalog!.Redundancy.Should().Be(RedundancyMode.Parity);
        report.Catalog.Drives.Should().Equal(Members, "the catalog names every member in member order");
        report.Stripes.Should().BeGreaterThan(0);
        backup.Status.Checkpoint!.Stripe.Should().BeGreaterThan(0, "a checkpoint records the stripe every member continues at");
        if (startDegraded)
        {
            report.Message.Should().Contain("degraded").And.Contain("member 2");
            Directory.EnumerateFileSystemEntries(Path.Combine(_harness.Root, "drives", "td-2")).Should().BeEmpty("nothing is written to a failed member");
        }

        // Lose member 2 for good: its medium and its TapeDrive.
        Directory.Delete(Path.Combine(_harness.Root, "drives", "td-2"), recursive: true);
        await _harness.Client.DeleteAsync<TapeDrive>("td-2");
        var left = Members.Where(m => m != "td-2").ToList();
        var restore = await _harness.Client.CreateAsync(new RestoreJob
        {
            Metadata = new() { Name = "bring-back", Namespace = AgentHarness.Namespace, Labels = new Dictionary<string, string> { [SpoolGroup.NodeLabel] = AgentHarness.Node } },
            Spec = new RestoreJobSpec
            {
                Source = new RestoreSource { BackupJob = "striped" },
                Target = new RestoreTarget { NodePath = new NodePathTarget { Node = AgentHarness.Node, Path = "/restore/out" } },
            },
        });
        foreach (var name in left)
        {
            await _harness.ClaimAsync(name, RestoreJob.KindValue, "bring-back", restore.Metadata.Uid, 1, AgentHarness.Node);
        }

        await _harness.Client.UpdateStatusAsync(restore with
        {
            Status = new RestoreJobStatus
            {
                Phase = RestorePhase.Running,
                Epoch = 1,
                Node = AgentHarness.Node,
                Backup = report.Catalog,
                Drives = left.Select((name, i) => new HeldDrive { Name = name, Member = i }).ToList(),
            },
        });

        var restored = await _harness.WaitForAsync<RestoreJob>("bring-back", j => j.Status?.Report is not null);

        restored.Status!.Report!.Outcome.Should().Be(ReportOutcomes.Completed, restored.Status.Report.Message);
        restored.Status.Report.Message.Should().Contain("DEGRADED").And.Contain("member 2");
        AgentHarness.Snapshot(Path.Combine(_harness.Root, "restore", "out")).Should().BeEquivalentTo(AgentHarness.Snapshot(mount));
    }
}
