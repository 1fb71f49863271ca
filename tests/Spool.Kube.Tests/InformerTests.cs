using System.Collections.Concurrent;
using Spool.Api;
using Spool.Api.Core;
using Spool.Kube.Informers;

namespace Spool.Kube.Tests;

public sealed class InformerTests
{
    [Test]
    public async Task Lists_then_watches_from_the_list_resource_version()
    {
        var api = new InMemoryKubernetesClient();
        await api.CreateAsync(Pod("a"));
        await api.CreateAsync(Pod("b"));
        var log = new Recorder();
        await using var informer = new Informer<Pod>(api, Fast());
        informer.AddHandler(log.Handler);

        _ = informer.Start();
        await informer.WaitForSyncAsync().WaitAsync(TimeSpan.FromSeconds(10));

        informer.HasSynced.Should().BeTrue();
        informer.Store.ListKeys().Should().BeEquivalentTo("ns/a", "ns/b");
        await Eventually.True(() => api.WatchCalls == 1);
        api.WatchResourceVersions.Single().Should().Be(informer.LastResourceVersion);

        await api.CreateAsync(Pod("c"));
        var b = (await api.GetAsync<Pod>("b", "ns"))!;
        await api.UpdateAsync(b with { Metadata = b.Metadata with { Labels = new Dictionary<string, string> { ["x"] = "1" } } });
        await api.DeleteAsync<Pod>("a", "ns");

        await Eventually.True(() => log.Events.Count == 5);
        log.Events.Should().Equal("add ns/a", "add ns/b", "add ns/c", "update ns/b", "delete ns/a");
        informer.Store.Get("ns", "b")!.Metadata.Labels.Should().ContainKey("x");
        informer.Store.Get("ns/a").Should().BeNull();
        informer.ListCount.Should().Be(1);
    }

    [Test]
    public async Task Resumes_from_the_last_resource_version_and_bookmarks_without_relisting()
    {
        var api = new InMemoryKubernetesClient();
        await using var informer = new Informer<Pod>(api, Fast());
        _ = informer.Start();
        await informer.WaitForSyncAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await Eventually.True(() => api.ActiveWatches == 1);
        await api.CreateAsync(Pod("a"));
        await Eventually.True(() => informer.Store.Count == 1);
        await api.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "unrelated", Namespace = "ns" } });
        api.Bookmark<Pod>();
        await Eventually.True(() => informer.LastResourceVersion == api.CurrentResourceVersion, because: "bookmarks move the resume point");
        var resumeFrom = informer.LastResourceVersion;

        api.CloseWatches();
        await Eventually.True(() => api.WatchCalls == 2);

        api.WatchResourceVersions.Last().Should().Be(resumeFrom);
        informer.ListCount.Should().Be(1, "a cleanly closed watch resumes without a LIST");
    }

    [Test]
    public async Task Relists_on_gone_and_reports_objects_deleted_during_the_gap_as_tombstones()
    {
        var api = new InMemoryKubernetesClient();
        await api.CreateAsync(Pod("keep"));
        await api.CreateAsync(Pod("vanish"));
        var log = new Recorder();
        var tombstones = new ConcurrentQueue<DeletedFinalStateUnknown<Pod>>();
        await using var informer = new Informer<Pod>(api, Fast());
        informer.AddHandler(log.Handler with { OnDeleteFinalStateUnknown = tombstones.Enqueue });
        _ = informer.Start();
        await informer.WaitForSyncAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await Eventually.True(() => api.ActiveWatches == 1);

        // While the watch is down the object disappears and the history is compacted: the resume gets 410.
        api.BeforeCall = verb => verb is "watch" or "list"
            ? Task.FromException(new HttpRequestException(HttpRequestError.ConnectionError, "down"))
            : Task.CompletedTask;
        api.CloseWatches();
        api.RemoveSilently<Pod>("vanish", "ns");
        var keep = (await api.GetAsync<Pod>("keep", "ns"))!;
        await api.UpdateAsync(keep with { Metadata = keep.Metadata with { Labels = new Dictionary<string, string> { ["v"] = "2" } } });
        await api.CreateAsync(Pod("new"));
        api.CompactHistory();
        api.BeforeCall = null;

        await Eventually.True(() => informer.ListCount == 2, because: "410 Gone triggers a relist");
        await Eventually.True(() => tombstones.Count == 1 && informer.HandlersIdle);

        var tombstone = tombstones.Single();
        tombstone.Key.Should().Be("ns/vanish");
        tombstone.Object.Metadata.Name.Should().Be("vanish");
        informer.Store.ListKeys().Should().BeEquivalentTo("ns/keep", "ns/new");
        log.Events.Should().Contain(["update ns/keep", "add ns/new"]);
        log.Events.Should().NotContain("delete ns/vanish", "the tombstone handler took it");
    }

    [Test]
    public async Task A_tombstone_goes_to_on_delete_when_no_tombstone_handler_is_set()
    {
        var api = new InMemoryKubernetesClient();
        await api.CreateAsync(Pod("vanish"));
        var log = new Recorder();
        await using var informer = new Informer<Pod>(api, Fast());
        informer.AddHandler(log.Handler);
        _ = informer.Start();
        await informer.WaitForSyncAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await Eventually.True(() => api.ActiveWatches == 1);

        api.RemoveSilently<Pod>("vanish", "ns");
        api.CompactHistory();
        api.CloseWatches();

        await Eventually.True(() => log.Events.Contains("delete ns/vanish"));
    }

    [Test]
    public async Task Reconnects_with_backoff_after_failures()
    {
        var api = new InMemoryKubernetesClient { Failure = new HttpRequestException(HttpRequestError.ConnectionError, "refused") };
        await using var informer = new Informer<Pod>(api, Fast());
        _ = informer.Start();

        await Eventually.True(() => api.Calls >= 3);
        informer.HasSynced.Should().BeFalse();
        api.Failure = null;
        await informer.WaitForSyncAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Test]
    public async Task A_slow_handler_does_not_block_the_store_or_other_handlers()
    {
        var api = new InMemoryKubernetesClient();
        using var release = new SemaphoreSlim(0);
        var fast = new Recorder();
        await using var informer = new Informer<Pod>(api, Fast());
        informer.AddHandler(new ResourceEventHandler<Pod> { OnAdd = _ => release.Wait() });
        informer.AddHandler(fast.Handler);
        _ = informer.Start();
        await informer.WaitForSyncAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await Eventually.True(() => api.ActiveWatches == 1);

        for (var i = 0; i < 50; i++)
        {
            await api.CreateAsync(Pod($"p{i}"));
        }

        await Eventually.True(() => fast.Events.Count == 50 && informer.Store.Count == 50);
        informer.HandlersIdle.Should().BeFalse("the slow handler is still blocked on its first event");
        release.Release(50);
        await Eventually.True(() => informer.HandlersIdle);
    }

    [Test]
    public async Task Late_handlers_get_the_current_state_as_adds_and_indexes_follow_changes()
    {
        var api = new InMemoryKubernetesClient();
        await api.CreateAsync(Pod("a", node: "n1"));
        await api.CreateAsync(Pod("b", node: "n2"));
        await using var informer = new Informer<Pod>(api, Fast() with
        {
            Indexers = new Dictionary<string, Func<Pod, IEnumerable<string>>> { ["node"] = InformerIndexes.ByLabel<Pod>("node") },
        });
        _ = informer.Start();
        await informer.WaitForSyncAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await Eventually.True(() => api.ActiveWatches == 1);

        var late = new Recorder();
        informer.AddHandler(late.Handler);
        await Eventually.True(() => late.Events.Count == 2);
        informer.Store.ByIndex("node", "n1").Select(p => p.Metadata.Name).Should().Equal("a");

        var a = (await api.GetAsync<Pod>("a", "ns"))!;
        await api.UpdateAsync(a with { Metadata = a.Metadata with { Labels = new Dictionary<string, string> { ["node"] = "n2" } } });
        await Eventually.True(() => informer.Store.ByIndex("node", "n2").Count == 2);
        informer.Store.ByIndex("node", "n1").Should().BeEmpty();
        informer.Store.IndexValues("node").Should().Equal("n2");
    }

    [Test]
    public async Task Shared_factory_returns_one_informer_per_type_and_selectors()
    {
        var api = new InMemoryKubernetesClient();
        await using var factory = new SharedInformerFactory(api);
        var pods1 = factory.GetInformer<Pod>();
        var pods2 = factory.GetInformer<Pod>();
        var labelled = factory.GetInformer(new InformerOptions<Pod> { LabelSelector = "a=b" });
        var nodes = factory.GetInformer<Node>();

        pods1.Should().BeSameAs(pods2);
        labelled.Should().NotBeSameAs(pods1);
        nodes.Should().NotBeNull();

        factory.Start(CancellationToken.None);
        await factory.WaitForCacheSyncAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var late = factory.GetInformer<ConfigMap>();
        await late.WaitForSyncAsync().WaitAsync(TimeSpan.FromSeconds(10));
        api.ListCalls.Should().Be(4);
    }

    private static InformerOptions<Pod> Fast() => new()
    {
        InitialBackoff = TimeSpan.FromMilliseconds(5),
        MaxBackoff = TimeSpan.FromMilliseconds(20),
    };

    private static Pod Pod(string name, string? node = null) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = name,
            Namespace = "ns",
            Labels = node is null ? null : new Dictionary<string, string> { ["node"] = node },
        },
    };

    private sealed class Recorder
    {
        private readonly ConcurrentQueue<string> _events = new();

        public List<string> Events => [.. _events];

        public ResourceEventHandler<Pod> Handler => new()
        {
            OnAdd = p => _events.Enqueue("add " + ObjectKey.Of(p)),
            OnUpdate = (_, p) => _events.Enqueue("update " + ObjectKey.Of(p)),
            OnDelete = p => _events.Enqueue("delete " + ObjectKey.Of(p)),
        };
    }
}
