using System.Text.Json.Nodes;

namespace Spool.Transpiler.Tests;

/// <summary>The CRDs generated from the current types, built once per test run.</summary>
public static class Crds
{
    private static readonly Lazy<CrdGenerator> Lazy = new(() => new CrdGenerator());

    public static CrdGenerator Generator => Lazy.Value;

    private static readonly Lazy<IReadOnlyList<JsonObject>> Parsed = new(
        () => Generator.Definitions.Select(d => JsonNode.Parse(d.ToJsonString())!.AsObject()).ToList());

    /// <summary>The CRDs as parsed JSON, so that numbers read back as any numeric type.</summary>
    public static IReadOnlyList<JsonObject> Definitions => Parsed.Value;

    public static JsonObject Definition(string plural) =>
        Definitions.Single(d => d["spec"]!["names"]!["plural"]!.GetValue<string>() == plural);

    public static JsonObject Version(string plural) => Definition(plural)["spec"]!["versions"]![0]!.AsObject();

    public static JsonObject Schema(string plural) => Version(plural)["schema"]!["openAPIV3Schema"]!.AsObject();

    /// <summary>The schema at a dotted path of properties; <c>[]</c> steps into list items.</summary>
    public static JsonObject At(string plural, string path)
    {
        var node = Schema(plural);
        foreach (var part in path.Split('.'))
        {
            var name = part.EndsWith("[]", StringComparison.Ordinal) ? part[..^2] : part;
            node = node["properties"]![name]!.AsObject();
            if (part.EndsWith("[]", StringComparison.Ordinal))
            {
                node = node["items"]!.AsObject();
            }
        }

        return node;
    }

    public static string[] Strings(JsonNode? node) => node!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
}
