using System.Net;
using System.Text.Json.Nodes;
using Spool.Testing;

namespace Spool.ApiServer.Tests;

public sealed class PersistenceTests
{
    [Test]
    public async Task Objects_crds_and_the_resource_version_counter_survive_a_restart()
    {
        await using var server = await ApiServerFixture.StartAsync(persistent: true);
        await Api.InstallWidgetCrdAsync(server.Http);
        var widget = await Api.CreateOkAsync(server.Http, Api.Widgets, Api.Widget("kept", size: 9));
        await Api.CreateOkAsync(server.Http, "/api/v1/namespaces/default/configmaps", Api.ConfigMap("gone"));
        await Api.DeleteAsync(server.Http, "/api/v1/namespaces/default/configmaps/gone");
        var (_, before) = await Api.GetAsync(server.Http, "/api/v1/namespaces/default/configmaps");
        var rvBefore = long.Parse(Api.Rv(before));

        await server.RestartAsync();

        var (code, reloaded) = await Api.GetAsync(server.Http, Api.Widgets + "/kept");
        code.Should().Be(HttpStatusCode.OK);
        reloaded!["spec"]!["size"]!.GetValue<long>().Should().Be(9);
        reloaded["metadata"]!["uid"]!.GetValue<string>().Should().Be(widget["metadata"]!["uid"]!.GetValue<string>());
        (await Api.GetAsync(server.Http, "/api/v1/namespaces/default/configmaps/gone")).Code.Should().Be(HttpStatusCode.NotFound);
        var next = await Api.CreateOkAsync(server.Http, "/api/v1/namespaces/default/configmaps", Api.ConfigMap("after"));
        long.Parse(Api.Rv(next)).Should().BeGreaterThan(rvBefore);
    }

    [Test]
    public async Task A_watch_resumes_across_a_restart_from_the_last_seen_resource_version()
    {
        await using var server = await ApiServerFixture.StartAsync(persistent: true);
        var seen = await Api.CreateOkAsync(server.Http, "/api/v1/namespaces/default/configmaps", Api.ConfigMap("seen"));
        await Api.CreateOkAsync(server.Http, "/api/v1/namespaces/default/configmaps", Api.ConfigMap("missed-before-restart"));
        await server.RestartAsync();
        await Api.CreateOkAsync(server.Http, "/api/v1/namespaces/default/configmaps", Api.ConfigMap("after-restart"));
        await using var watch = await WatchStream.OpenAsync(server.Http, "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=" + Api.Rv(seen));
        var events = await watch.TakeAsync(2);
        events.Select(e => e["type"]!.GetValue<string>() + ":" + e["object"]!["metadata"]!["name"]!.GetValue<string>())
            .Should().Equal("ADDED:missed-before-restart", "ADDED:after-restart");
    }

    [Test]
    public async Task A_torn_last_log_line_is_ignored_on_start()
    {
        await using var server = await ApiServerFixture.StartAsync(persistent: true);
        await Api.CreateOkAsync(server.Http, "/api/v1/namespaces/default/configmaps", Api.ConfigMap("whole"));
        await server.Server.StopAsync();
        var log = Path.Combine(server.Directory, "state", "events.jsonl");
        await File.AppendAllTextAsync(log, "{\"type\":\"ADDED\",\"key\":\"configmaps\",\"object\":{\"metadata\":{\"name\":\"torn");
        await server.RestartAsync();
        (await Api.GetAsync(server.Http, "/api/v1/namespaces/default/configmaps/whole")).Code.Should().Be(HttpStatusCode.OK);
        (await Api.GetAsync(server.Http, "/api/v1/namespaces/default/configmaps/torn")).Code.Should().Be(HttpStatusCode.NotFound);
        await Api.CreateOkAsync(server.Http, "/api/v1/namespaces/default/configmaps", Api.ConfigMap("later"));
        await server.RestartAsync();
        (await Api.GetAsync(server.Http, "/api/v1/namespaces/default/configmaps/later")).Code.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task Compaction_keeps_state_and_history_consistent()
    {
        await using var server = await ApiServerFixture.StartAsync(persistent: true, configure: o => o with { WatchHistorySize = 10 });
        for (var i = 0; i < 30; i++)
        {
            await Api.CreateOkAsync(server.Http, "/api/v1/namespaces/default/configmaps", Api.ConfigMap($"c-{i}", new JsonObject { ["i"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        }

        await server.RestartAsync();
        var (_, list) = await Api.GetAsync(server.Http, "/api/v1/namespaces/default/configmaps");
        list!["items"]!.AsArray().Count.Should().Be(30);
    }
}
