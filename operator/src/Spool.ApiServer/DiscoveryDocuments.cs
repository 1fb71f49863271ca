using System.Text.Json.Nodes;

namespace Spool.ApiServer;

/// <summary>
/// Legacy (unaggregated) discovery documents. Aggregated discovery requests get these too, with a plain
/// application/json content type, which client-go treats as "server does not aggregate" and falls back.
/// </summary>
public static class DiscoveryDocuments
{
    private static readonly string[] FullVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "35",
        ["emulationMajor"] = "1",
        ["emulationMinor"] = "35",
        ["minCompatibilityMajor"] = "1",
        ["minCompatibilityMinor"] = "34",
        ["gitVersion"] = "v1.35.0-spool",
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2026-01-01T00:00:00Z",
        ["goVersion"] = "go1.25.0",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    public static JsonObject CoreVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public static JsonObject GroupList(IReadOnlyList<ResourceType> types)
    {
        var groups = new JsonArray();
        foreach (var g in types.Where(t => t.Group.Length > 0).GroupBy(t => t.Group))
        {
            groups.Add(Group(g.Key, types)!);
        }

        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    public static JsonObject? Group(string group, IReadOnlyList<ResourceType> types)
    {
        var versions = types.Where(t => t.Group == group).Select(t => t.Version).Distinct().OrderByDescending(VersionPriority).ToList();
        if (versions.Count == 0)
        {
            return null;
        }

        JsonObject Gv(string v) => new() { ["groupVersion"] = group + "/" + v, ["version"] = v };
        return new JsonObject
        {
            ["kind"] = "APIGroup",
            ["apiVersion"] = "v1",
            ["name"] = group,
            ["versions"] = new JsonArray([.. versions.Select(v => (JsonNode)Gv(v))]),
            ["preferredVersion"] = Gv(versions[0]),
        };
    }

    /// <summary>Kube-aware version ordering: GA over beta over alpha, higher numbers first.</summary>
    public static int VersionPriority(string version)
    {
        var m = System.Text.RegularExpressions.Regex.Match(version, "^v(\\d+)(?:(alpha|beta)(\\d+))?$");
        if (!m.Success)
        {
            return 0;
        }

        var major = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var stage = m.Groups[2].Value switch { "" => 3, "beta" => 2, _ => 1 };
        var minor = m.Groups[3].Success ? int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        return (stage * 1_000_000) + (major * 1000) + minor;
    }

    public static JsonObject? ResourceList(string group, string version, IReadOnlyList<ResourceType> types)
    {
        var matching = types.Where(t => t.Group == group && t.Version == version).ToList();
        if (matching.Count == 0)
        {
            return null;
        }

        var resources = new JsonArray();
        foreach (var t in matching)
        {
            var r = new JsonObject
            {
                ["name"] = t.Plural,
                ["singularName"] = t.Singular,
                ["namespaced"] = t.Namespaced,
                ["kind"] = t.Kind,
                ["verbs"] = new JsonArray([.. FullVerbs.Where(v => !(v == "deletecollection" && t.Plural == "namespaces")).Select(v => (JsonNode)JsonValue.Create(v))]),
            };
            if (t.ShortNames.Count > 0)
            {
                r["shortNames"] = new JsonArray([.. t.ShortNames.Select(s => (JsonNode)JsonValue.Create(s))]);
            }

            if (t.Categories.Count > 0)
            {
                r["categories"] = new JsonArray([.. t.Categories.Select(s => (JsonNode)JsonValue.Create(s))]);
            }

            resources.Add(r);
            if (t.HasStatus)
            {
                resources.Add(Sub(t, "status", ["get", "patch", "update"]));
            }

            foreach (var sub in t.ExtraSubresources)
            {
                resources.Add(Sub(t, sub, sub is "exec" or "eviction" or "binding" ? ["create", "get"] : sub == "finalize" ? ["update"] : ["get"]));
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : group + "/" + version,
            ["resources"] = resources,
        };
    }

    private static JsonObject Sub(ResourceType t, string sub, string[] verbs) => new()
    {
        ["name"] = t.Plural + "/" + sub,
        ["singularName"] = string.Empty,
        ["namespaced"] = t.Namespaced,
        ["kind"] = sub switch { "exec" => "PodExecOptions", "log" => "Pod", "eviction" => "Eviction", "binding" => "Binding", _ => t.Kind },
        ["verbs"] = new JsonArray([.. verbs.Select(v => (JsonNode)JsonValue.Create(v))]),
    };
}
