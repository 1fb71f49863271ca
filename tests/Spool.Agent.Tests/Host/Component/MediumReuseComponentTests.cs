using Spool.Agent.Host;
using Spool.Agent.Host.Logging;
using Spool.Agent.Host.Reclaim;
using Spool.Agent.Host.Streaming;
using Spool.Api;
using Spool.Api.Core;

namespace Spool.Agent.Tests.Host.Component;

/// <summary>
/// Taking a Reusable tape medium against the embedded API server: one writer wins, the others append, and the record
/// is removed once the operator no longer says Reusable, so the medium can be reused after its next expiry.
/// </summary>
[Category("Component")]
public sealed class MediumReuseComponentTests
{
    private AgentHarness _harness = null!;

    [SetUp]
    public async Task SetUp() => _harness = await AgentHarness.StartAsync();

    [TearDown]
    public async Task TearDown() => await _harness.DisposeAsync();

    [Test]
    public async Task One_writer_takes_a_reusable_medium_and_the_record_goes_when_the_medium_is_in_use_again()
    {
        var context = new AgentContext(_harness.Client, _harness.Options, TimeProvider.System, new AgentLog(TextWriter.Synchronized(_harness.Log), TimeProvider.System), new DataPathEngine(TimeProvider.System), new Spool.Agent.Host.Hooks.WebSocketPodExec(Spool.Kube.KubernetesClientConfiguration.FromKubeconfig(_harness.Server.KubeconfigPath)), _harness.Metrics);
        await _harness.Client.CreateAsync(new ConfigMap
        {
            Metadata = new() { Name = "spool-catalog-tape-0", Namespace = "spool-system", Labels = new Dictionary<string, string> { ["spool.dev/catalog"] = "true", ["spool.dev/drive"] = "tape-0" } },
            Data = new Dictionary<string, string> { ["medium"] = "Reusable", ["expired"] = """["old-1","old-2"]""" },
        });

        var writers = Enumerable.Range(1, 4)
            .Select(i => new MediumReuse(context).TryTakeAsync("tape-0", new MediumReuseRecord { BackupId = $"b-{i}", Job = $"apps/job-{i}", Epoch = 1, Node = "node-a" }, CancellationToken.None))
            .ToList();
        var taken = await Task.WhenAll(writers);

        taken.Count(t => t).Should().Be(1, "the resourceVersion precondition lets exactly one writer overwrite the medium");
        var map = (await _harness.Client.GetAsync<ConfigMap>("spool-catalog-tape-0", "spool-system"))!;
        var record = KubeJson.Deserialize<MediumReuseRecord>(map.Data![MediumReuse.Key])!;
        record.BackupId.Should().Be($"b-{Array.IndexOf(taken, true) + 1}");
        map.Data["expired"].Should().Be("""["old-1","old-2"]""", "the agent writes only its own key");
        (await new MediumReuse(context).TryTakeAsync("tape-0", new MediumReuseRecord { BackupId = "b-5" }, CancellationToken.None)).Should().BeFalse("a resumed or later writer appends");

        // Still Reusable (the new backup is not recorded yet): the record stays.
        await new DriveReclaimer(context).RunOnceAsync(CancellationToken.None);
        (await _harness.Client.GetAsync<ConfigMap>("spool-catalog-tape-0", "spool-system"))!.Data.Should().ContainKey(MediumReuse.Key);

        // The operator recorded the new backup: the medium is InUse, and the record goes.
        map = (await _harness.Client.GetAsync<ConfigMap>("spool-catalog-tape-0", "spool-system"))!;
        await _harness.Client.UpdateAsync(map with { Data = new Dictionary<string, string>(map.Data!) { ["medium"] = "InUse" } });
        await new DriveReclaimer(context).RunOnceAsync(CancellationToken.None);
        map = (await _harness.Client.GetAsync<ConfigMap>("spool-catalog-tape-0", "spool-system"))!;
        map.Data.Should().NotContainKey(MediumReuse.Key);

        // Every backup on it expired again: the next fresh writer overwrites.
        await _harness.Client.UpdateAsync(map with { Data = new Dictionary<string, string>(map.Data!) { ["medium"] = "Reusable" } });
        (await new MediumReuse(context).TryTakeAsync("tape-0", new MediumReuseRecord { BackupId = "b-6" }, CancellationToken.None)).Should().BeTrue();
    }
}
