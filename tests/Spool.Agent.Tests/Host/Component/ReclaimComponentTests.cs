using Spool.Agent.Host.Streaming;
using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.DataPath;
using Spool.DataPath.Drives;
using TapeDrive = Spool.Api.V1Alpha1.TapeDrive;

namespace Spool.Agent.Tests.Host.Component;

/// <summary>
/// The agent's half of retention against the embedded API server and a real directory drive: Expiring backups lose their
/// tape files and are reported in the catalog's <c>reclaimed</c> key; retained chains are untouched; a claimed drive is
/// never touched.
/// </summary>
[Category("Component")]
public sealed class ReclaimComponentTests
{
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

    [Test]
    public async Task Expiring_backups_are_deleted_and_reported_only_while_the_drive_is_free_and_retained_chains_stay_restorable()
    {
        await _harness.CreateDriveAsync("td-0");
        var drivePath = Path.Combine(_harness.Root, "drives", "td-0");
        var source = Path.Combine(_harness.Root, "source");
        Directory.CreateDirectory(source);
        await File.WriteAllBytesAsync(Path.Combine(source, "a.bin"), RandomBytes(300_000, 1));
        await BackupAsync(source, drivePath, "apps-old-full", parent: null);
        await BackupAsync(source, drivePath, "apps-old-inc", parent: "apps-old-full");
        await File.WriteAllBytesAsync(Path.Combine(source, "b.bin"), RandomBytes(200_000, 2));
        await BackupAsync(source, drivePath, "apps-full", parent: null);
        await File.WriteAllTextAsync(Path.Combine(source, "c.txt"), "changed since the full\n");
        await BackupAsync(source, drivePath, "apps-inc", parent: "apps-full");
        var filesBefore = DriveCatalog.ListFiles(DriveSpec.Directory(drivePath));

        // The operator expired the first chain; the second is kept.
        await _harness.Client.CreateAsync(new ConfigMap
        {
            Metadata = new() { Name = "spool-catalog-td-0", Namespace = "spool-system", Labels = new Dictionary<string, string> { ["spool.dev/catalog"] = "true", ["spool.dev/drive"] = "td-0" } },
            Data = new Dictionary<string, string>
            {
                ["apps_data"] = KubeJson.Serialize(new[]
                {
                    Entry("apps-old-full", null, CatalogEntryState.Expiring),
                    Entry("apps-old-inc", "apps-old-full", CatalogEntryState.Expiring),
                    Entry("apps-full", null, CatalogEntryState.Complete),
                    Entry("apps-inc", "apps-full", CatalogEntryState.Complete),
                }),
                ["medium"] = "InUse",
            },
        });

        // While a job holds the drive, nothing is deleted and nothing is reported.
        await _harness.ClaimAsync("td-0", BackupJob.KindValue, "nightly", "uid-1", 1, AgentHarness.Node);
        await _harness.StartAgentAsync();
        await WaitUntilAsync(() => _harness.Log.ToString().Contains("Not reclaiming drive space now", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        DriveCatalog.ListFiles(DriveSpec.Directory(drivePath)).Should().HaveCount(filesBefore.Count, "a claimed drive is never reclaimed");
        var held = await _harness.Client.GetAsync<ConfigMap>("spool-catalog-td-0", "spool-system");
        held!.Data.Should().NotContainKey("reclaimed");

        // Released, the agent deletes the first chain's files, then reports both ids.
        var drive = (await _harness.Client.GetAsync<TapeDrive>("td-0"))!;
        await _harness.Client.UpdateStatusAsync(drive with { Status = drive.Status! with { Phase = DrivePhase.Available, Holder = null } });
        var map = await WaitForMapAsync(m => m.Data?.ContainsKey("reclaimed") == true, TimeSpan.FromSeconds(30));

        KubeJson.Deserialize<List<string>>(map.Data!["reclaimed"]).Should().BeEquivalentTo(["apps-old-full", "apps-old-inc"]);
        map.Data["apps_data"].Should().Be(held.Data!["apps_data"], "the agent writes only its own key");
        var left = DriveCatalog.ListFiles(DriveSpec.Directory(drivePath));
        left.Select(f => f.Header!.BackupId).Should().NotContain([BackupIds.ToGuid("apps-old-full"), BackupIds.ToGuid("apps-old-inc")]);
        left.Select(f => f.Header!.BackupId).Distinct().Should().BeEquivalentTo([BackupIds.ToGuid("apps-full"), BackupIds.ToGuid("apps-inc")]);
        var verify = await new VerifyEngine().RunAsync(new VerifyRequest { Drives = [DriveSpec.Directory(drivePath)], BackupId = BackupIds.ToGuid("apps-inc") }, CancellationToken.None);
        verify.Should().ContainSingle().Which.Ok.Should().BeTrue("the retained incremental and its full are intact");

        // The operator drops the entries; the agent then drops the ids from its key.
        var current = (await _harness.Client.GetAsync<ConfigMap>("spool-catalog-td-0", "spool-system"))!;
        var data = new Dictionary<string, string>(current.Data!)
        {
            ["apps_data"] = KubeJson.Serialize(new[] { Entry("apps-full", null, CatalogEntryState.Complete), Entry("apps-inc", "apps-full", CatalogEntryState.Complete) }),
        };
        await _harness.Client.UpdateAsync(current with { Data = data });
        await WaitForMapAsync(m => m.Data?.GetValueOrDefault("reclaimed") == "[]", TimeSpan.FromSeconds(30));
    }

    private async Task<ConfigMap> WaitForMapAsync(Func<ConfigMap, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var map = await _harness.Client.GetAsync<ConfigMap>("spool-catalog-td-0", "spool-system");
            if (map is not null && condition(map))
            {
                return map;
            }

            DateTime.UtcNow.Should().BeBefore(deadline, $"the catalog should change; it is {KubeJson.Serialize(map?.Data)}");
            await Task.Delay(100);
        }
    }

    private static async Task BackupAsync(string source, string drive, string id, string? parent)
    {
        var result = await new BackupEngine().RunAsync(
            new BackupRequest
            {
                SourcePath = source,
                Drive = DriveSpec.Directory(drive, 65536),
                BackupId = BackupIds.ToGuid(id),
                IncrementalFrom = parent is null ? null : BackupIds.ToGuid(parent),
                CheckpointBytes = 128 * 1024,
                CheckpointInterval = TimeSpan.Zero,
            },
            new NullSink(),
            CancellationToken.None);
        result.Outcome.Should().Be(BackupOutcome.Completed);
    }

    private static CatalogEntry Entry(string id, string? parent, CatalogEntryState state) => new()
    {
        BackupId = id,
        Namespace = AgentHarness.Namespace,
        PersistentVolumeClaim = "data",
        Time = DateTimeOffset.UtcNow,
        Mode = parent is null ? BackupMode.Full : BackupMode.Incremental,
        Parent = parent,
        Drives = ["td-0"],
        State = state,
    };

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!condition())
        {
            await Task.Delay(50, deadline.Token);
        }
    }

    private sealed class NullSink : IBackupProgressSink
    {
        public void Progress(BackupProgress progress)
        {
        }

        public void Warning(BackupWarning warning)
        {
        }

        public ValueTask CheckpointReached(Checkpoint checkpoint, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
