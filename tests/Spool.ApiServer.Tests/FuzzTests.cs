using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Spool.Testing;

namespace Spool.ApiServer.Tests;

/// <summary>
/// Sends seeded random bodies to create, update and patch endpoints. The server must answer every one with a
/// 2xx or a 4xx Status (never a 5xx), keep serving, and keep a store that lists, watches and reloads consistently.
/// </summary>
public sealed class FuzzTests
{
    private const int Requests = 1500;

    [Test]
    public async Task Random_bodies_never_crash_the_server_or_corrupt_the_store()
    {
        await using var server = await ApiServerFixture.StartAsync(persistent: true);
        await Api.InstallWidgetCrdAsync(server.Http);
        await Api.CreateOkAsync(server.Http, Api.Widgets, Api.Widget("target"));
        await Api.CreateOkAsync(server.Http, "/api/v1/namespaces/default/configmaps", Api.ConfigMap("target"));
        var random = new Random(20261122);
        var failures = new List<string>();
        var statusCounts = new Dictionary<int, int>();
        for (var i = 0; i < Requests; i++)
        {
            var (method, path, body, contentType) = NextRequest(random, i);
            using var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            using var response = await server.Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var code = (int)response.StatusCode;
            statusCounts[code] = statusCounts.GetValueOrDefault(code) + 1;
            if (code >= 500)
            {
                failures.Add($"{method} {path} {contentType} -> {code}: {text}\nbody: {Encoding.UTF8.GetString(body)[..Math.Min(body.Length, 400)]}");
                continue;
            }

            if (code >= 400)
            {
                var status = JsonNode.Parse(text)!;
                if (status["kind"]?.GetValue<string>() != "Status" || status["code"]?.GetValue<int>() != code)
                {
                    failures.Add($"{method} {path} -> {code} without a matching Status body: {text}");
                }
            }
        }

        failures.Should().BeEmpty();
        statusCounts.Keys.Should().Contain(k => k >= 200 && k < 300, "some random bodies are valid");
        statusCounts.Keys.Should().Contain(k => k >= 400 && k < 500);
        (await Api.GetAsync(server.Http, "/version")).Code.Should().Be(HttpStatusCode.OK);

        var before = await SnapshotAsync(server.Http);
        before.Should().ContainKey("widgets/default/target");
        await using (var watch = await WatchStream.OpenAsync(server.Http, "/api/v1/configmaps?watch=true&resourceVersion=0"))
        {
            var expected = before.Keys.Count(k => k.StartsWith("configmaps/", StringComparison.Ordinal));
            var added = await watch.TakeAsync(expected);
            added.Select(e => "configmaps/" + e["object"]!["metadata"]!["namespace"] + "/" + e["object"]!["metadata"]!["name"])
                .Should().BeEquivalentTo(before.Keys.Where(k => k.StartsWith("configmaps/", StringComparison.Ordinal)));
        }

        await server.RestartAsync();
        var after = await SnapshotAsync(server.Http);
        var differences = before.Keys.Union(after.Keys)
            .Where(k => before.GetValueOrDefault(k) != after.GetValueOrDefault(k))
            .Select(k => $"{k}\n  before: {before.GetValueOrDefault(k)}\n  after:  {after.GetValueOrDefault(k)}")
            .ToList();
        differences.Should().BeEmpty("the persisted log replays to exactly the state that was served");
    }

    private static async Task<Dictionary<string, string>> SnapshotAsync(HttpClient http)
    {
        var result = new Dictionary<string, string>();
        foreach (var (prefix, path) in new[] { ("widgets", "/apis/test.spool.dev/v1/widgets"), ("configmaps", "/api/v1/configmaps") })
        {
            var (code, list) = await Api.GetAsync(http, path);
            code.Should().Be(HttpStatusCode.OK);
            var listRv = long.Parse(Api.Rv(list), CultureInfo.InvariantCulture);
            var seenRvs = new HashSet<long>();
            foreach (var item in list!["items"]!.AsArray())
            {
                var meta = item!["metadata"]!;
                meta["uid"]!.GetValue<string>().Should().NotBeNullOrEmpty();
                var rv = long.Parse(meta["resourceVersion"]!.GetValue<string>(), CultureInfo.InvariantCulture);
                rv.Should().BeLessThanOrEqualTo(listRv);
                seenRvs.Add(rv).Should().BeTrue("resourceVersions are unique");
                result[prefix + "/" + meta["namespace"] + "/" + meta["name"]] = item.ToJsonString();
            }
        }

        return result;
    }

    private static (HttpMethod Method, string Path, byte[] Body, string ContentType) NextRequest(Random r, int i)
    {
        var widgetName = r.Next(4) == 0 ? "target" : "fz-" + r.Next(40).ToString(CultureInfo.InvariantCulture);
        var cmName = r.Next(4) == 0 ? "target" : "fz-" + r.Next(40).ToString(CultureInfo.InvariantCulture);
        var widget = r.Next(2) == 0;
        var collection = widget ? Api.Widgets : "/api/v1/namespaces/default/configmaps";
        var name = widget ? widgetName : cmName;
        var body = widget ? MutateWidget(r, name) : MutateConfigMap(r, name);
        switch (r.Next(7))
        {
            case 0:
                return (HttpMethod.Post, collection, Serialize(r, body), "application/json");
            case 1:
                return (HttpMethod.Put, collection + "/" + name, Serialize(r, body), "application/json");
            case 2:
                return (HttpMethod.Patch, collection + "/" + name, Serialize(r, RandomPatchObject(r, body)), "application/merge-patch+json");
            case 3:
                return (HttpMethod.Patch, collection + "/" + name, Serialize(r, RandomJsonPatch(r)), "application/json-patch+json");
            case 4:
                return (HttpMethod.Patch, collection + "/" + name, Serialize(r, RandomPatchObject(r, body)), "application/strategic-merge-patch+json");
            case 5:
                return (HttpMethod.Patch, collection + "/" + name + "?fieldManager=fuzz" + (r.Next(2) == 0 ? "&force=true" : string.Empty), Encoding.UTF8.GetBytes(r.Next(3) == 0 ? RandomYaml(r) : body?.ToJsonString() ?? "null"), "application/apply-patch+yaml");
            default:
                return (HttpMethod.Put, collection + "/" + name + "/status", Serialize(r, body), "application/json");
        }
    }

    private static byte[] Serialize(Random r, JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "null";
        return r.Next(12) switch
        {
            0 => Encoding.UTF8.GetBytes(text[..r.Next(text.Length + 1)]),
            1 => [.. Encoding.UTF8.GetBytes(text), 0xff, 0xfe],
            2 => Encoding.UTF8.GetBytes(new string('[', 300 + r.Next(2000))),
            3 => [],
            _ => Encoding.UTF8.GetBytes(text),
        };
    }

    private static string RandomYaml(Random r) => r.Next(5) switch
    {
        0 => "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fz-yaml\ndata:\n  a: [1, 2\n",
        1 => "- just\n- a\n- list\n",
        2 => "metadata: !!binary abc\n",
        3 => "&a [*a]",
        _ => "key: value\n  bad: indentation\n",
    };

    private static JsonNode? RandomValue(Random r, int depth)
    {
        switch (r.Next(depth > 3 ? 5 : 8))
        {
            case 0:
                return null;
            case 1:
                return JsonValue.Create(r.Next(2) == 0);
            case 2:
                return JsonValue.Create(r.Next(6) switch { 0 => long.MaxValue, 1 => long.MinValue, 2 => 0L, _ => r.NextInt64(-1_000_000, 10_000_000_000) });
            case 3:
                return JsonValue.Create(r.NextDouble() * 1e6 - 5e5);
            case 4:
                return JsonValue.Create(RandomString(r));
            case 5:
            {
                var arr = new JsonArray();
                for (var i = r.Next(5); i > 0; i--)
                {
                    arr.Add(RandomValue(r, depth + 1));
                }

                return arr;
            }

            default:
            {
                var obj = new JsonObject();
                for (var i = r.Next(5); i > 0; i--)
                {
                    obj[RandomKey(r)] = RandomValue(r, depth + 1);
                }

                return obj;
            }
        }
    }

    private static string RandomKey(Random r) => r.Next(6) switch
    {
        0 => "metadata",
        1 => "spec",
        2 => "status",
        3 => "$patch",
        4 => "name",
        _ => RandomString(r),
    };

    private static string RandomString(Random r)
    {
        string[] samples = ["", "Full", "Incremental", "a", "UPPER", "x/y", "2026-01-01T00:00:00Z", "ünïcødé", "\u0000", "..", "-", new string('z', 300), "replace", "delete", "merge"];
        return r.Next(3) == 0 ? samples[r.Next(samples.Length)] : new string([.. Enumerable.Range(0, r.Next(12)).Select(_ => (char)r.Next(32, 127))]);
    }

    private static JsonNode? MutateWidget(Random r, string name)
    {
        if (r.Next(10) == 0)
        {
            return RandomValue(r, 0);
        }

        var w = Api.Widget(name, r.Next(3) == 0 ? RandomString(r) : "Full");
        var spec = w["spec"]!.AsObject();
        if (r.Next(2) == 0)
        {
            spec["size"] = RandomValue(r, 2);
        }

        if (r.Next(3) == 0)
        {
            spec["checkpoint"] = RandomValue(r, 1);
        }

        if (r.Next(3) == 0)
        {
            spec["tags"] = RandomValue(r, 2);
        }

        if (r.Next(3) == 0)
        {
            spec["selector"] = RandomValue(r, 2);
        }

        if (r.Next(4) == 0)
        {
            w["status"] = RandomValue(r, 1);
        }

        MutateMetadata(r, w);
        return w;
    }

    private static JsonNode? MutateConfigMap(Random r, string name)
    {
        if (r.Next(10) == 0)
        {
            return RandomValue(r, 0);
        }

        var cm = Api.ConfigMap(name, new JsonObject { ["k"] = RandomString(r) });
        if (r.Next(3) == 0)
        {
            cm["data"] = RandomValue(r, 1);
        }

        MutateMetadata(r, cm);
        return cm;
    }

    private static void MutateMetadata(Random r, JsonObject obj)
    {
        var meta = obj["metadata"]!.AsObject();
        switch (r.Next(12))
        {
            case 0:
                meta["labels"] = RandomValue(r, 1);
                break;
            case 1:
                meta["finalizers"] = r.Next(2) == 0 ? new JsonArray("fuzz/hold") : RandomValue(r, 2);
                break;
            case 2:
                meta["resourceVersion"] = RandomValue(r, 3);
                break;
            case 3:
                meta["ownerReferences"] = RandomValue(r, 1);
                break;
            case 4:
                obj["metadata"] = RandomValue(r, 1);
                break;
            case 5:
                obj["kind"] = RandomValue(r, 3);
                break;
            case 6:
                obj["apiVersion"] = RandomValue(r, 3);
                break;
            case 7:
                meta["name"] = RandomValue(r, 3);
                break;
            case 8:
                meta["generateName"] = "gen-";
                meta.Remove("name");
                break;
            case 9:
                meta["namespace"] = RandomString(r);
                break;
        }
    }

    private static JsonNode? RandomPatchObject(Random r, JsonNode? body)
    {
        if (r.Next(3) == 0 || body is not JsonObject obj)
        {
            return RandomValue(r, 0);
        }

        var patch = new JsonObject();
        foreach (var (k, v) in obj)
        {
            if (r.Next(2) == 0)
            {
                patch[k] = v?.DeepClone();
            }
        }

        if (r.Next(3) == 0)
        {
            patch["metadata"] = new JsonObject { ["finalizers"] = null };
        }

        return patch;
    }

    private static JsonNode RandomJsonPatch(Random r)
    {
        string[] ops = ["add", "remove", "replace", "move", "copy", "test", "bogus"];
        string[] paths = ["/spec/size", "/spec", "/metadata/labels", "/metadata/labels/a", "/metadata/finalizers", "/metadata/finalizers/-", "/data/k", "/status", "", "/spec/tags/0", "/metadata/name", "/kind", "bad", "/a~1b"];
        var arr = new JsonArray();
        for (var i = r.Next(1, 4); i > 0; i--)
        {
            var op = new JsonObject { ["op"] = ops[r.Next(ops.Length)], ["path"] = paths[r.Next(paths.Length)] };
            if (r.Next(4) > 0)
            {
                op["value"] = RandomValue(r, 2);
            }

            if (r.Next(3) == 0)
            {
                op["from"] = paths[r.Next(paths.Length)];
            }

            arr.Add(r.Next(15) == 0 ? RandomValue(r, 3) : op);
        }

        return arr;
    }
}
