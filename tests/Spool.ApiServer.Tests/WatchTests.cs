using System.Net;
using System.Text.Json.Nodes;
using Spool.Testing;

namespace Spool.ApiServer.Tests;

public sealed class WatchTests
{
    private static string Type(JsonObject evt) => evt["type"]!.GetValue<string>();

    private static string Name(JsonObject evt) => evt["object"]!["metadata"]!["name"]!.GetValue<string>();

    [Test]
    public async Task Watch_streams_added_modified_and_deleted_events()
    {
        await using var server = await ApiServerFixture.StartAsync();
        await Api.InstallWidgetCrdAsync(server.Http);
        var (_, list) = await Api.GetAsync(server.Http, Api.Widgets);
        await using var watch = await WatchStream.OpenAsync(server.Http, Api.Widgets + "?watch=true&resourceVersion=" + Api.Rv(list));
        await Api.CreateOkAsync(server.Http, Api.Widgets, Api.Widget("w1"));
        await Api.PatchAsync(server.Http, Api.Widgets + "/w1", "application/merge-patch+json", new JsonObject { ["spec"] = new JsonObject { ["size"] = 3 } });
        await Api.DeleteAsync(server.Http, Api.Widgets + "/w1");
        var events = await watch.TakeAsync(3);
        events.Select(Type).Should().Equal("ADDED", "MODIFIED", "DELETED");
        events.Select(Name).Should().OnlyContain(n => n == "w1");
        events[1]["object"]!["spec"]!["size"]!.GetValue<long>().Should().Be(3);
        long.Parse(Api.Rv(events[2]["object"])).Should().BeGreaterThan(long.Parse(Api.Rv(events[1]["object"])));
    }

    [Test]
    public async Task Watch_without_resource_version_sends_current_state_as_ADDED_first()
    {
        await using var server = await ApiServerFixture.StartAsync();
        await Api.CreateOkAsync(server.Http, "/api/v1/namespaces/default/configmaps", Api.ConfigMap("existing"));
        await using var watch = await WatchStream.OpenAsync(server.Http, "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=0");
        var first = await watch.NextAsync();
        Type(first!).Should().Be("ADDED");
        Name(first!).Should().Be("existing");
    }

    [Test]
    public async Task Legacy_watch_path_and_selectors_filter_events_and_report_objects_leaving_the_selection()
    {
        await using var server = await ApiServerFixture.StartAsync();
        var (_, list) = await Api.GetAsync(server.Http, "/api/v1/namespaces/default/configmaps");
        await using var watch = await WatchStream.OpenAsync(server.Http, "/api/v1/watch/namespaces/default/configmaps?labelSelector=team%3Dtape&resourceVersion=" + Api.Rv(list));
        await Api.CreateOkAsync(server.Http, "/api/v1/namespaces/default/configmaps", Api.ConfigMap("other", labels: new JsonObject { ["team"] = "disk" }));
        await Api.CreateOkAsync(server.Http, "/api/v1/namespaces/default/configmaps", Api.ConfigMap("mine", labels: new JsonObject { ["team"] = "tape" }));
        await Api.PatchAsync(server.Http, "/api/v1/namespaces/default/configmaps/mine", "application/merge-patch+json", new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["team"] = "disk" } } });
        await Api.PatchAsync(server.Http, "/api/v1/namespaces/default/configmaps/other", "application/merge-patch+json", new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["team"] = "tape" } } });
        var events = await watch.TakeAsync(3);
        events.Select(e => Type(e) + ":" + Name(e)).Should().Equal("ADDED:mine", "DELETED:mine", "ADDED:other");
    }

    [Test]
    public async Task Watch_resumes_from_a_resource_version_by_replaying_history()
    {
        await using var server = await ApiServerFixture.StartAsync();
        var a = await Api.CreateOkAsync(server.Http, "/api/v1/namespaces/default/configmaps", Api.ConfigMap("r1"));
        await Api.CreateOkAsync(server.Http, "/api/v1/namespaces/default/configmaps", Api.ConfigMap("r2"));
        await Api.CreateOkAsync(server.Http, "/api/v1/namespaces/default/configmaps", Api.ConfigMap("r3"));
        await using var watch = await WatchStream.OpenAsync(server.Http, "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=" + Api.Rv(a));
        var events = await watch.TakeAsync(2);
        events.Select(Name).Should().Equal("r2", "r3");
    }

    [Test]
    public async Task Too_old_resource_version_yields_a_410_Expired_ERROR_event_and_too_old_continue_yields_410()
    {
        await using var server = await ApiServerFixture.StartAsync(configure: o => o with { WatchHistorySize = 5 });
        const string path = "/api/v1/namespaces/default/configmaps";
        var first = await Api.CreateOkAsync(server.Http, path, Api.ConfigMap("old-0"));
        await Api.CreateOkAsync(server.Http, path, Api.ConfigMap("old-00"));
        var (_, page) = await Api.GetAsync(server.Http, path + "?limit=1");
        var token = page!["metadata"]!["continue"];
        for (var i = 1; i < 12; i++)
        {
            await Api.CreateOkAsync(server.Http, path, Api.ConfigMap($"old-{i}"));
        }

        await using var watch = await WatchStream.OpenAsync(server.Http, path + "?watch=true&resourceVersion=" + Api.Rv(first));
        watch.StatusCode.Should().Be(200);
        var error = await watch.NextAsync();
        Type(error!).Should().Be("ERROR");
        error!["object"]!["kind"]!.GetValue<string>().Should().Be("Status");
        error["object"]!["code"]!.GetValue<int>().Should().Be(410);
        error["object"]!["reason"]!.GetValue<string>().Should().Be("Expired");
        error["object"]!["message"]!.GetValue<string>().Should().StartWith("too old resource version: " + Api.Rv(first));
        (await watch.NextAsync()).Should().BeNull();

        if (token is not null)
        {
            var (code, status) = await Api.GetAsync(server.Http, path + "?limit=1&continue=" + Uri.EscapeDataString(token.GetValue<string>()));
            code.Should().Be(HttpStatusCode.Gone);
            status!["reason"]!.GetValue<string>().Should().Be("Expired");
        }
        else
        {
            Assert.Fail("the first page should have had a continue token");
        }
    }

    [Test]
    public async Task Bookmarks_arrive_on_the_time_providers_schedule_and_carry_only_the_resource_version()
    {
        var clock = new ManualTimeProvider();
        await using var server = await ApiServerFixture.StartAsync(configure: o => o with { TimeProvider = clock, BookmarkInterval = TimeSpan.FromSeconds(30) });
        var created = await Api.CreateOkAsync(server.Http, "/api/v1/namespaces/default/configmaps", Api.ConfigMap("bm"));
        await using var watch = await WatchStream.OpenAsync(server.Http, "/api/v1/namespaces/default/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion=" + Api.Rv(created));
        var next = watch.NextAsync(TimeSpan.FromSeconds(20));
        for (var i = 0; i < 200 && !next.IsCompleted; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(31));
            await Task.WhenAny(next, Task.Delay(TimeSpan.FromMilliseconds(25), TimeProvider.System));
        }

        var bookmark = await next;
        Type(bookmark!).Should().Be("BOOKMARK");
        bookmark!["object"]!["kind"]!.GetValue<string>().Should().Be("ConfigMap");
        Api.Rv(bookmark["object"]).Should().Be(Api.Rv(created));
        bookmark["object"]!["metadata"]!.AsObject().Count.Should().Be(1);
    }

    [Test]
    public async Task TimeoutSeconds_ends_the_stream()
    {
        var clock = new ManualTimeProvider();
        await using var server = await ApiServerFixture.StartAsync(configure: o => o with { TimeProvider = clock });
        await using var watch = await WatchStream.OpenAsync(server.Http, "/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=5&resourceVersion=1");
        var next = watch.NextAsync(TimeSpan.FromSeconds(20));
        for (var i = 0; i < 200 && !next.IsCompleted; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(6));
            await Task.WhenAny(next, Task.Delay(TimeSpan.FromMilliseconds(25), TimeProvider.System));
        }

        (await next).Should().BeNull();
    }

    [Test]
    public async Task Send_initial_events_ends_with_an_initial_events_end_bookmark()
    {
        await using var server = await ApiServerFixture.StartAsync();
        await Api.CreateOkAsync(server.Http, "/api/v1/namespaces/default/configmaps", Api.ConfigMap("init"));
        await using var watch = await WatchStream.OpenAsync(server.Http, "/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan");
        var events = await watch.TakeAsync(2);
        Type(events[0]).Should().Be("ADDED");
        Type(events[1]).Should().Be("BOOKMARK");
        events[1]["object"]!["metadata"]!["annotations"]!["k8s.io/initial-events-end"]!.GetValue<string>().Should().Be("true");
    }

    [Test]
    public async Task A_slow_watcher_is_disconnected_without_blocking_writers()
    {
        await using var server = await ApiServerFixture.StartAsync(configure: o => o with { WatchBufferSize = 16 });
        using var response = await server.Http.GetAsync("/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1", HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        var big = new JsonObject { ["blob"] = new string('x', 64 * 1024) };
        var writes = Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++)
            {
                await Api.CreateOkAsync(server.Http, "/api/v1/namespaces/default/configmaps", Api.ConfigMap($"flood-{i}", big.DeepClone().AsObject()));
            }
        });
        (await Task.WhenAny(writes, Task.Delay(TimeSpan.FromSeconds(60), TimeProvider.System))).Should().BeSameAs(writes, "writers must never wait for a watcher");
        await writes;

        using var reader = new StreamReader(stream);
        var lines = 0;
        while (await reader.ReadLineAsync() is not null)
        {
            lines++;
        }

        lines.Should().BeLessThan(200, "the overflowing watch is closed rather than buffered without bound");
    }
}
