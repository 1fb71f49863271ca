using System.Collections.Immutable;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;

namespace Spool.ApiServer.Tests;

public sealed class PrimitivesTests
{
    private static ImmutableDictionary<string, string> Labels(params (string K, string V)[] pairs) =>
        pairs.ToImmutableDictionary(p => p.K, p => p.V);

    [TestCase("a=b", true)]
    [TestCase("a==b,c", true)]
    [TestCase("a!=b", false)]
    [TestCase("a in (x, b)", true)]
    [TestCase("a notin (b)", false)]
    [TestCase("!d", true)]
    [TestCase("d", false)]
    [TestCase("n>3", true)]
    [TestCase("n<3", false)]
    public void Label_selector_operators(string selector, bool expected) =>
        LabelSelector.Parse(selector).Matches(Labels(("a", "b"), ("c", "1"), ("n", "5"))).Should().Be(expected);

    [Test]
    public void Merge_patch_is_idempotent_and_null_removes() =>
        Prop.ForAll(Arb.From(Gen.Elements("a", "c", "d")), Arb.From(Gen.Choose(0, 100)), (key, value) =>
        {
            var target = new JsonObject { ["a"] = 1, ["b"] = new JsonObject { ["x"] = 1 } };
            var patch = new JsonObject { [key] = value, ["b"] = new JsonObject { ["x"] = null } };
            var once = JsonMergePatch.Apply(target.DeepClone(), patch)!;
            var twice = JsonMergePatch.Apply(once.DeepClone(), patch)!;
            return JsonNode.DeepEquals(once, twice) && once[key]!.GetValue<int>() == value && once["b"]!.AsObject().Count == 0;
        }).QuickCheckThrowOnFailure();

    [Test]
    public void Json_patch_add_then_remove_restores_the_document() =>
        Prop.ForAll(Arb.From(Gen.Elements("k1", "k~2", "k/3", "plain")), Arb.From(Gen.Choose(-5, 5)), (key, value) =>
        {
            var doc = new JsonObject { ["spec"] = new JsonObject { ["keep"] = true } };
            var pointer = "/spec/" + key.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
            var added = JsonPatch.Apply(doc.DeepClone(), new JsonArray(new JsonObject { ["op"] = "add", ["path"] = pointer, ["value"] = value }));
            var ok = added["spec"]![key]!.GetValue<int>() == value;
            var removed = JsonPatch.Apply(added, new JsonArray(new JsonObject { ["op"] = "test", ["path"] = pointer, ["value"] = value }, new JsonObject { ["op"] = "remove", ["path"] = pointer }));
            return ok && JsonNode.DeepEquals(removed, doc);
        }).QuickCheckThrowOnFailure();

    [TestCase(5, "5s")]
    [TestCase(119, "119s")]
    [TestCase(125, "2m5s")]
    [TestCase(600, "10m")]
    [TestCase(3 * 3600 + 60, "3h1m")]
    [TestCase(9 * 3600, "9h")]
    [TestCase(3 * 86400 + 3600, "3d1h")]
    [TestCase(30 * 86400, "30d")]
    public void Human_duration_matches_apimachinery(int seconds, string expected) =>
        HumanDuration.Format(TimeSpan.FromSeconds(seconds)).Should().Be(expected);

    [Test]
    public void Yaml_scalars_resolve_like_the_core_schema()
    {
        var node = YamlJson.Parse("a: 1\nb: \"1\"\nc: true\nd: null\ne: 1.5\nf: text\ng: 'yes'\n")!;
        node["a"]!.GetValue<long>().Should().Be(1);
        node["b"]!.GetValue<string>().Should().Be("1");
        node["c"]!.GetValue<bool>().Should().BeTrue();
        node["d"].Should().BeNull();
        node["e"]!.GetValue<double>().Should().Be(1.5);
        node["f"]!.GetValue<string>().Should().Be("text");
        node["g"]!.GetValue<string>().Should().Be("yes");
    }

    [Test]
    public void Request_paths_parse_like_request_info()
    {
        RequestTarget.Parse("/api/v1/namespaces/ns1/pods/p/status").Should().Be(new RequestTarget(string.Empty, "v1", "pods", "ns1", "p", "status", false));
        RequestTarget.Parse("/api/v1/namespaces/ns1").Should().Be(new RequestTarget(string.Empty, "v1", "namespaces", null, "ns1", null, false));
        RequestTarget.Parse("/api/v1/namespaces/ns1/finalize").Should().Be(new RequestTarget(string.Empty, "v1", "namespaces", null, "ns1", "finalize", false));
        RequestTarget.Parse("/apis/apps/v1/watch/namespaces/x/deployments").Should().Be(new RequestTarget("apps", "v1", "deployments", "x", null, null, true));
        RequestTarget.Parse("/apis/spool.dev/v1alpha1/tapedrives/td-0").Should().Be(new RequestTarget("spool.dev", "v1alpha1", "tapedrives", null, "td-0", null, false));
    }
}
