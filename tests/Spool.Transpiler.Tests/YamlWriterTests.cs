using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;

namespace Spool.Transpiler.Tests;

public sealed class YamlWriterTests
{
    [Test]
    public void Writes_block_style_with_indentless_sequences()
    {
        var node = new JsonObject
        {
            ["a"] = "plain text",
            ["b"] = new JsonArray(new JsonObject { ["x"] = 1, ["z"] = true }, "s"),
            ["c"] = new JsonObject(),
            ["d"] = new JsonArray(),
        };
        YamlWriter.Write(node, "header").Should().Be("# header\na: plain text\nb:\n- x: 1\n  z: true\n- s\nc: {}\nd: []\n");
    }

    [TestCase("true")]
    [TestCase("No")]
    [TestCase("123")]
    [TestCase("1e3")]
    [TestCase("0x1F")]
    [TestCase("2026-11-01")]
    [TestCase(".status.phase")]
    [TestCase("a: b")]
    [TestCase("a #b")]
    [TestCase("- item")]
    [TestCase("")]
    [TestCase(" padded ")]
    [TestCase("line\nbreak")]
    [TestCase("trailing newline\n")]
    [TestCase("quote \" and \\ backslash")]
    [TestCase("[flow]")]
    [TestCase("~")]
    public void Ambiguous_strings_stay_strings(string text) => RoundTrips(new JsonObject { ["k"] = text, [text] = "v" });

    [FsCheck.NUnit.Property(MaxTest = 1000)]
    public Property Any_string_round_trips() =>
        Prop.ForAll(ArbMap.Default.ArbFor<string>(), s => s is null || RoundTripsQuietly(new JsonObject { ["k"] = s, ["l"] = new JsonArray(s) }));

    [Test]
    public void Generated_crds_round_trip()
    {
        foreach (var crd in Crds.Definitions)
        {
            RoundTrips(crd);
        }
    }

    private static bool RoundTripsQuietly(JsonObject node)
    {
        // YAML cannot carry lone surrogates or NUL; the generator never produces them.
        var text = node.ToJsonString();
        if (text.Contains("\\u0000", StringComparison.Ordinal) || node.Select(p => p.Value).OfType<JsonValue>().Any(v => HasLoneSurrogate(v.GetValue<string>())))
        {
            return true;
        }

        RoundTrips(node);
        return true;
    }

    private static bool HasLoneSurrogate(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && (i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1])))
            {
                return true;
            }

            if (char.IsLowSurrogate(s[i]) && (i == 0 || !char.IsHighSurrogate(s[i - 1])))
            {
                return true;
            }
        }

        return false;
    }

    private static void RoundTrips(JsonObject node)
    {
        var yaml = YamlWriter.Write(node);
        var back = YamlDocuments.Read(yaml).Single();
        JsonNode.DeepEquals(JsonNode.Parse(back.ToJsonString()), JsonNode.Parse(node.ToJsonString()))
            .Should().BeTrue($"YAML:\n{yaml}\nread back as {back.ToJsonString()}");
    }
}
