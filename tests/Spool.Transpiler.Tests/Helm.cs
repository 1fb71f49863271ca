using System.Text.Json.Nodes;
using Spool.Testing;

namespace Spool.Transpiler.Tests;

/// <summary>helm from tools/install-clients.sh, run on the repository's chart with a private helm home.</summary>
public static class Helm
{
    public static async Task<ClientToolResult> RunAsync(params string[] args)
    {
        await ClientTools.EnsureInstalledAsync();
        var home = Path.Combine(Path.GetTempPath(), "spool-transpiler-helm-home");
        var environment = new Dictionary<string, string>
        {
            ["HELM_CACHE_HOME"] = Path.Combine(home, "cache"),
            ["HELM_CONFIG_HOME"] = Path.Combine(home, "config"),
            ["HELM_DATA_HOME"] = Path.Combine(home, "data"),
        };
        return await ClientTools.RunAsync(ClientTools.HelmPath, args, null, TimeSpan.FromMinutes(2), environment);
    }

    private static readonly Lazy<Task<IReadOnlyList<JsonObject>>> Defaults = new(() => RenderAsync([]));

    /// <summary><c>helm template</c> of the chart into the namespace spool-system, with <c>--set</c> overrides.</summary>
    public static Task<IReadOnlyList<JsonObject>> TemplateAsync(params string[] sets) =>
        sets.Length == 0 ? Defaults.Value : RenderAsync(sets);

    private static async Task<IReadOnlyList<JsonObject>> RenderAsync(string[] sets)
    {
        var args = new List<string> { "template", "spool", RepositoryPaths.Chart, "--namespace", "spool-system" };
        foreach (var set in sets)
        {
            args.Add("--set");
            args.Add(set);
        }

        var result = await RunAsync([.. args]);
        result.ExitCode.Should().Be(0, $"helm template must render: {result}");
        return YamlDocuments.Read(result.Stdout);
    }

    public static JsonObject Single(IEnumerable<JsonObject> documents, string kind, string? nameSuffix = null) =>
        documents.Single(d => d["kind"]!.GetValue<string>() == kind
            && (nameSuffix is null || d["metadata"]!["name"]!.GetValue<string>().EndsWith(nameSuffix, StringComparison.Ordinal)));
}
