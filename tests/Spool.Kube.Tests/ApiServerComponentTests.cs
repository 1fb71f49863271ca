using System.Diagnostics;
using System.Text.Json.Nodes;
using Spool.Api;
using Spool.Api.Core;
using Spool.Kube.Events;
using Spool.Kube.Informers;
using Spool.Kube.LeaderElection;
using Spool.Testing;

namespace Spool.Kube.Tests;

/// <summary>Spool's client against the embedded API server on a loopback port.</summary>
[Category("Component")]
public sealed class ApiServerComponentTests
{
    private static readonly ResourceDescriptor Widgets = new("example.spool.dev", "v1", "widgets", "Widget", true);
    private ApiServerFixture _server = null!;
    private KubernetesClient _client = null!;
    private string _ns = "";

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _server = await ApiServerFixture.StartAsync();
        _client = new KubernetesClient(KubernetesClientConfiguration.FromKubeconfig(_server.KubeconfigPath) with { Qps = 0 });
        await InstallWidgetCrd(_client);
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [SetUp]
    public async Task CreateNamespace()
    {
        _ns = "t-" + Guid.NewGuid().ToString("N")[..10];
        await _client.CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = _ns } });
    }

    [Test]
    public void Kubeconfig_of_the_embedded_server_is_understood()
    {
        _client.Configuration.Server.Should().Be(_server.BaseAddress);
        _client.Configuration.ContextName.Should().NotBeNullOrEmpty();
    }

    [Test]
    public async Task Create_get_list_with_selectors_and_paging()
    {
        for (var i = 0; i < 25; i++)
        {
            await _client.CreateAsync(new ConfigMap
            {
                Metadata = new ObjectMeta { Name = $"cm-{i:D2}", Namespace = _ns, Labels = new Dictionary<string, string> { ["parity"] = i % 2 == 0 ? "even" : "odd" } },
            });
        }

        (await _client.GetAsync<ConfigMap>("cm-07", _ns))!.Metadata.Labels!["parity"].Should().Be("odd");
        (await _client.GetAsync<ConfigMap>("absent", _ns)).Should().BeNull();

        var page = await _client.ListAsync<ConfigMap>(_ns, new ListOptions { Limit = 10 });
        page.Items.Should().HaveCount(10);
        page.Metadata.Continue.Should().NotBeNullOrEmpty();
        var all = await _client.ListAllAsync<ConfigMap>(_ns, new ListOptions { Limit = 10 });
        all.Items.Select(c => c.Metadata.Name).Should().OnlyHaveUniqueItems().And.HaveCount(25);
        all.Metadata.ResourceVersion.Should().NotBeNullOrEmpty();

        (await _client.ListAllAsync<ConfigMap>(_ns, new ListOptions { LabelSelector = "parity=even" })).Items.Should().HaveCount(13);
        (await _client.ListAllAsync<ConfigMap>(_ns, new ListOptions { LabelSelector = "parity in (odd),parity!=even" })).Items.Should().HaveCount(12);
        (await _client.ListAllAsync<ConfigMap>(_ns, new ListOptions { FieldSelector = "metadata.name=cm-03" })).Items.Should().ContainSingle();
        (await _client.ListAsync<ConfigMap>()).Items.Should().Contain(c => c.Metadata.Namespace == _ns, "a null namespace lists across namespaces");
    }

    [Test]
    public async Task Create_with_generate_name_and_already_exists()
    {
        var created = await _client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { GenerateName = "gen-", Namespace = _ns } });

        created.Metadata.Name.Should().StartWith("gen-").And.HaveLength("gen-".Length + 5);
        created.Metadata.Uid.Should().NotBeNullOrEmpty();
        created.Metadata.CreationTimestamp.Should().NotBeNull();
        var duplicate = () => _client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = created.Metadata.Name, Namespace = _ns } });
        (await duplicate.Should().ThrowAsync<KubernetesAlreadyExistsException>()).Which.Status.Code.Should().Be(409);
        var missingNamespace = () => _client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "x", Namespace = "no-such-namespace" } });
        await missingNamespace.Should().ThrowAsync<KubernetesNotFoundException>();
    }

    [Test]
    public async Task Replace_with_a_stale_resource_version_is_a_conflict_and_a_retry_loop_wins()
    {
        var created = await _client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "counter", Namespace = _ns }, Data = new Dictionary<string, string> { ["n"] = "0" } });
        await _client.UpdateAsync(created with { Data = new Dictionary<string, string> { ["n"] = "1" } });

        var stale = () => _client.UpdateAsync(created with { Data = new Dictionary<string, string> { ["n"] = "2" } });
        (await stale.Should().ThrowAsync<KubernetesConflictException>()).Which.Reason.Should().Be("Conflict");

        // Eight writers increment the same counter with get-modify-update; conflicts are retried, none is lost.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 5; i++)
            {
                while (true)
                {
                    var current = (await _client.GetAsync<ConfigMap>("counter", _ns))!;
                    var n = int.Parse(current.Data!["n"], System.Globalization.CultureInfo.InvariantCulture);
                    try
                    {
                        await _client.UpdateAsync(current with { Data = new Dictionary<string, string> { ["n"] = (n + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) } });
                        break;
                    }
                    catch (KubernetesConflictException)
                    {
                    }
                }
            }
        })));

        (await _client.GetAsync<ConfigMap>("counter", _ns))!.Data!["n"].Should().Be("41");
    }

    [Test]
    public async Task Merge_json_and_apply_patches()
    {
        await _client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "p", Namespace = _ns }, Data = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" } });

        var merged = await _client.PatchAsync<ConfigMap>("p", _ns, KubePatch.Merge("""{"data":{"b":null,"c":"3"},"metadata":{"labels":{"x":"y"}}}"""));
        merged.Data.Should().BeEquivalentTo(new Dictionary<string, string> { ["a"] = "1", ["c"] = "3" });
        merged.Metadata.Labels.Should().ContainKey("x");

        var patched = await _client.PatchAsync<ConfigMap>("p", _ns, KubePatch.Json("""[{"op":"test","path":"/data/a","value":"1"},{"op":"replace","path":"/data/a","value":"10"},{"op":"remove","path":"/data/c"}]"""));
        patched.Data.Should().BeEquivalentTo(new Dictionary<string, string> { ["a"] = "10" });

        var failedTest = () => _client.PatchAsync<ConfigMap>("p", _ns, KubePatch.Json("""[{"op":"test","path":"/data/a","value":"nope"}]"""));
        (await failedTest.Should().ThrowAsync<KubernetesApiException>()).Which.Status.Code.Should().BeOneOf(409, 422);

        var applied = await _client.PatchAsync<ConfigMap>("applied", _ns, KubePatch.Apply(
            $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"applied","namespace":"{{{_ns}}}"},"data":{"k":"v"}}""", "spool-test", force: true));
        applied.Data.Should().BeEquivalentTo(new Dictionary<string, string> { ["k"] = "v" });
    }

    [Test]
    public async Task Custom_resources_untyped_with_status_subresource()
    {
        var widgets = _client.Resource(Widgets);
        var created = await widgets.CreateAsync(new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "w1" },
            ["spec"] = new JsonObject { ["size"] = 3 },
        }, _ns);
        created["apiVersion"]!.GetValue<string>().Should().Be("example.spool.dev/v1");
        var generation = created["metadata"]!["generation"]!.GetValue<long>();

        var withStatus = (JsonObject)created.DeepClone();
        withStatus["status"] = new JsonObject { ["phase"] = "Ready" };
        withStatus["spec"]!["size"] = 99;
        var statusUpdated = await widgets.UpdateAsync(withStatus, "status");
        statusUpdated["status"]!["phase"]!.GetValue<string>().Should().Be("Ready");
        statusUpdated["spec"]!["size"]!.GetValue<int>().Should().Be(3, "a write to /status never changes spec");

        var patched = await widgets.PatchAsync("w1", _ns, KubePatch.Merge("""{"status":{"phase":"Done"}}"""), "status");
        patched["status"]!["phase"]!.GetValue<string>().Should().Be("Done");

        var specChanged = await widgets.PatchAsync("w1", _ns, KubePatch.Merge("""{"spec":{"size":4},"status":{"phase":"Ignored"}}"""));
        specChanged["spec"]!["size"]!.GetValue<int>().Should().Be(4);
        specChanged["status"]!["phase"]!.GetValue<string>().Should().Be("Done", "a write to the main resource never changes status");
        specChanged["metadata"]!["generation"]!.GetValue<long>().Should().Be(generation + 1);

        var invalid = () => widgets.CreateAsync(new JsonObject { ["metadata"] = new JsonObject { ["name"] = "bad" }, ["spec"] = new JsonObject { ["size"] = "huge" } }, _ns);
        (await invalid.Should().ThrowAsync<KubernetesInvalidException>()).Which.Causes.Should().Contain(c => c.Field != null && c.Field.Contains("size"));

        (await widgets.ListAsync(_ns)).Items.Should().ContainSingle();
        (await widgets.GetAsync("w1", _ns))!["spec"]!["size"]!.GetValue<int>().Should().Be(4);
        (await widgets.DeleteAsync("w1", _ns)).Should().BeTrue();
        (await widgets.GetAsync("w1", _ns)).Should().BeNull();
    }

    [Test]
    public async Task Typed_status_update_on_a_built_in_kind()
    {
        var pod = await _client.CreateAsync(new Pod
        {
            Metadata = new ObjectMeta { Name = "p", Namespace = _ns },
            Spec = new PodSpec { Containers = [new Container { Name = "c", Image = "busybox" }] },
        });

        var updated = await _client.UpdateStatusAsync(pod with { Status = new PodStatus { Phase = "Running" } });

        updated.Status!.Phase.Should().Be("Running");
        (await _client.ListAllAsync<Pod>(_ns, new ListOptions { FieldSelector = "status.phase=Running" })).Items.Should().ContainSingle();
    }

    [Test]
    public async Task Delete_with_preconditions_propagation_and_finalizers()
    {
        var cm = await _client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "d", Namespace = _ns } });

        var wrongUid = () => _client.DeleteAsync<ConfigMap>("d", _ns, new DeleteOptions { PreconditionUid = "not-the-uid" });
        await wrongUid.Should().ThrowAsync<KubernetesConflictException>();
        var wrongVersion = () => _client.DeleteAsync<ConfigMap>("d", _ns, new DeleteOptions { PreconditionResourceVersion = "1" });
        await wrongVersion.Should().ThrowAsync<KubernetesConflictException>();
        (await _client.DeleteAsync<ConfigMap>("d", _ns, new DeleteOptions { PreconditionUid = cm.Metadata.Uid, PreconditionResourceVersion = cm.Metadata.ResourceVersion, PropagationPolicy = "Foreground" }))
            .Should().BeTrue();
        (await _client.DeleteAsync<ConfigMap>("d", _ns)).Should().BeFalse();

        await _client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "f", Namespace = _ns, Finalizers = ["spool.dev/cleanup"] } });
        (await _client.DeleteAsync<ConfigMap>("f", _ns, new DeleteOptions { PropagationPolicy = "Background" })).Should().BeTrue();
        var marked = (await _client.GetAsync<ConfigMap>("f", _ns))!;
        marked.Metadata.DeletionTimestamp.Should().NotBeNull("a finalizer holds the object");
        await _client.PatchAsync<ConfigMap>("f", _ns, KubePatch.Merge("""{"metadata":{"finalizers":null}}"""));
        (await _client.GetAsync<ConfigMap>("f", _ns)).Should().BeNull();
    }

    [Test]
    public async Task Events_are_recorded_and_aggregated()
    {
        var cm = await _client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "e", Namespace = _ns } });
        var recorder = new EventRecorder(_client, "spool-test", "instance-1");

        await recorder.NormalAsync(cm, "Tested", "Something happened");
        await recorder.NormalAsync(cm, "Tested", "Something happened");
        await recorder.WarningAsync(cm, "Broke", "Something failed");

        recorder.Failures.Should().Be(0);
        var events = (await _client.ListAllAsync<CoreEvent>(_ns)).Items;
        events.Should().HaveCount(2);
        events.Single(e => e.Reason == "Tested").Count.Should().Be(2);
        events.Single(e => e.Reason == "Broke").Type.Should().Be("Warning");
        events.Should().OnlyContain(e => e.InvolvedObject.Uid == cm.Metadata.Uid);
    }

    [Test]
    public async Task Watch_streams_events_from_a_resource_version()
    {
        var first = await _client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "w0", Namespace = _ns } });
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new List<(WatchEventType, string?)>();
        var watching = Task.Run(async () =>
        {
            await foreach (var e in _client.WatchAsync<ConfigMap>(_ns, new WatchOptions { ResourceVersion = first.Metadata.ResourceVersion }, cancel.Token))
            {
                if (e.Type == WatchEventType.Bookmark)
                {
                    continue;
                }

                seen.Add((e.Type, e.Object?.Metadata.Name));
                if (seen.Count == 3)
                {
                    return;
                }
            }
        });

        var w1 = await _client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "w1", Namespace = _ns } });
        await _client.UpdateAsync(w1 with { Data = new Dictionary<string, string> { ["x"] = "y" } });
        await _client.DeleteAsync<ConfigMap>("w1", _ns);
        await watching.WaitAsync(TimeSpan.FromSeconds(30));

        seen.Should().Equal((WatchEventType.Added, "w1"), (WatchEventType.Modified, "w1"), (WatchEventType.Deleted, "w1"));
    }

    [Test]
    public async Task Leader_hand_over_between_two_electors_inside_one_lease_duration()
    {
        var leaseDuration = TimeSpan.FromSeconds(3);
        LeaderElectionConfig Config(string id) => new()
        {
            LeaseName = "leader",
            LeaseNamespace = _ns,
            Identity = id,
            LeaseDuration = leaseDuration,
            RenewDeadline = TimeSpan.FromSeconds(2),
            RetryPeriod = TimeSpan.FromMilliseconds(300),
        };
        using var stopA = new CancellationTokenSource();
        using var stopB = new CancellationTokenSource();
        var a = new LeaderElector(_client, Config("a"));
        var b = new LeaderElector(_client, Config("b"));
        var runA = a.RunAsync(stopA.Token);
        await Eventually.True(() => a.IsLeader);
        var runB = b.RunAsync(stopB.Token);
        await Eventually.True(() => b.ObservedLeader == "a");

        var handOver = Stopwatch.StartNew();
        await stopA.CancelAsync();
        (await runA.WaitAsync(TimeSpan.FromSeconds(10))).Should().BeTrue();
        await Eventually.True(() => b.IsLeader);
        handOver.Elapsed.Should().BeLessThan(leaseDuration);

        var lease = (await _client.GetAsync<Lease>("leader", _ns))!;
        lease.Spec.HolderIdentity.Should().Be("b");
        lease.Spec.LeaseTransitions.Should().Be(1);
        await stopB.CancelAsync();
        await runB.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Test]
    public async Task Informer_syncs_many_objects_and_follows_changes()
    {
        const int count = 1500;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await _client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = $"m-{i}", Namespace = _ns } }, ct));
        await using var informer = new Informer<ConfigMap>(_client, new InformerOptions<ConfigMap> { Namespace = _ns, PageSize = 200 });

        var sync = Stopwatch.StartNew();
        _ = informer.Start();
        await informer.WaitForSyncAsync().WaitAsync(TimeSpan.FromSeconds(60));
        sync.Stop();

        informer.Store.Count.Should().Be(count);
        TestContext.Out.WriteLine($"informer synced {count} objects in {sync.Elapsed.TotalMilliseconds:F0} ms");
        await _client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "late", Namespace = _ns } });
        await _client.DeleteAsync<ConfigMap>("m-0", _ns);
        await Eventually.True(() => informer.Store.Get(_ns, "late") is not null && informer.Store.Get(_ns, "m-0") is null);
    }

    [Test]
    public async Task Informer_relists_after_410_and_tombstones_what_vanished()
    {
        await using var server = await ApiServerFixture.StartAsync(configure: o => o with { WatchHistorySize = 20 });
        using var client = new KubernetesClient(KubernetesClientConfiguration.FromKubeconfig(server.KubeconfigPath) with { Qps = 0 });
        var partition = new PartitionableClient(client);
        for (var i = 0; i < 5; i++)
        {
            await client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = $"c{i}", Namespace = "default" } });
        }

        var tombstones = new List<string>();
        await using var informer = new Informer<ConfigMap>(partition, new InformerOptions<ConfigMap>
        {
            Namespace = "default",
            InitialBackoff = TimeSpan.FromMilliseconds(20),
            MaxBackoff = TimeSpan.FromMilliseconds(100),
        });
        informer.AddHandler(new ResourceEventHandler<ConfigMap> { OnDeleteFinalStateUnknown = t => { lock (tombstones) { tombstones.Add(t.Key); } } });
        _ = informer.Start();
        await informer.WaitForSyncAsync().WaitAsync(TimeSpan.FromSeconds(30));

        partition.Partitioned = true;
        partition.BreakWatches();
        await client.DeleteAsync<ConfigMap>("c0", "default");
        for (var i = 0; i < 50; i++)
        {
            await client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = $"later-{i}", Namespace = "default" } });
        }

        partition.Partitioned = false;

        await Eventually.True(() => informer.ListCount >= 2, 30_000, "the resume is too old for the history of 20 events");
        await Eventually.True(() => informer.Store.Count == 54 && informer.HandlersIdle, 30_000);
        lock (tombstones)
        {
            tombstones.Should().Equal("default/c0");
        }
    }

    [Test]
    public async Task Watch_of_a_compacted_resource_version_yields_a_410_error_event()
    {
        await using var server = await ApiServerFixture.StartAsync(configure: o => o with { WatchHistorySize = 5 });
        using var client = new KubernetesClient(KubernetesClientConfiguration.FromKubeconfig(server.KubeconfigPath) with { Qps = 0 });
        var first = await client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "x0", Namespace = "default" } });
        for (var i = 1; i < 20; i++)
        {
            await client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = $"x{i}", Namespace = "default" } });
        }

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        WatchEvent<ConfigMap>? error = null;
        await foreach (var e in client.WatchAsync<ConfigMap>("default", new WatchOptions { ResourceVersion = first.Metadata.ResourceVersion }, cancel.Token))
        {
            error = e;
            break;
        }

        error!.Type.Should().Be(WatchEventType.Error);
        error.Status!.Code.Should().Be(410);
    }

    [Test]
    public async Task Informer_resumes_its_watch_across_a_restart_of_a_persistent_server()
    {
        var port = FreePort();
        await using var server = await ApiServerFixture.StartAsync(persistent: true, configure: o => o with { Port = port });
        using var client = new KubernetesClient(KubernetesClientConfiguration.FromKubeconfig(server.KubeconfigPath) with { Qps = 0, RetryBaseDelay = TimeSpan.FromMilliseconds(50) });
        await client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "before", Namespace = "default" } });
        var added = new List<string>();
        await using var informer = new Informer<ConfigMap>(client, new InformerOptions<ConfigMap>
        {
            Namespace = "default",
            InitialBackoff = TimeSpan.FromMilliseconds(50),
            MaxBackoff = TimeSpan.FromMilliseconds(200),
        });
        informer.AddHandler(new ResourceEventHandler<ConfigMap> { OnAdd = c => { lock (added) { added.Add(c.Metadata.Name!); } } });
        _ = informer.Start();
        await informer.WaitForSyncAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await Eventually.True(() => informer.WatchCount >= 1);
        var resumeFrom = long.Parse(informer.LastResourceVersion!, System.Globalization.CultureInfo.InvariantCulture);

        await server.RestartAsync();
        server.BaseAddress.Port.Should().Be(port);
        var after = await client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "after", Namespace = "default" } });
        long.Parse(after.Metadata.ResourceVersion!, System.Globalization.CultureInfo.InvariantCulture).Should().BeGreaterThan(resumeFrom, "the resourceVersion continues across the restart");

        await Eventually.True(() => informer.Store.Get("default", "after") is not null, 30_000);
        informer.ListCount.Should().Be(1, "the watch resumed from its resourceVersion instead of relisting");
        informer.WatchCount.Should().BeGreaterThan(1);
        lock (added)
        {
            added.Should().Equal("before", "after");
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task InstallWidgetCrd(KubernetesClient client)
    {
        var crds = client.Resource(new ResourceDescriptor("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false));
        var crd = JsonNode.Parse("""
            {
              "metadata": {"name": "widgets.example.spool.dev"},
              "spec": {
                "group": "example.spool.dev",
                "scope": "Namespaced",
                "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
                "versions": [{
                  "name": "v1", "served": true, "storage": true,
                  "subresources": {"status": {}},
                  "schema": {"openAPIV3Schema": {
                    "type": "object",
                    "properties": {
                      "spec": {"type": "object", "properties": {"size": {"type": "integer", "minimum": 0}}},
                      "status": {"type": "object", "properties": {"phase": {"type": "string"}}}
                    }
                  }}
                }]
              }
            }
            """)!.AsObject();
        await crds.CreateAsync(crd);
        await Eventually.True(() => client.Resource(Widgets).ListAsync("default").Wait(TimeSpan.FromSeconds(5)), 10_000, "the CRD is served");
    }
}
