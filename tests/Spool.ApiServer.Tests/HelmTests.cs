using System.Text.Json.Nodes;
using Spool.Testing;

namespace Spool.ApiServer.Tests;

/// <summary>Real helm (from .tools/bin) against the embedded server: the test chart always, charts/spool once it has a Chart.yaml.</summary>
public sealed class HelmTests
{
    public static IEnumerable<string> Charts()
    {
        yield return "testchart";
        var spool = Path.Combine(ClientTools.RepoRoot, "charts", "spool");
        if (File.Exists(Path.Combine(spool, "Chart.yaml")))
        {
            yield return spool;
        }
    }

    private static string ChartPath(string chart) => Path.IsPathRooted(chart) ? chart : Api.FixturePath(chart);

    [TestCaseSource(nameof(Charts))]
    public async Task Lint_template_install_upgrade_uninstall(string chart)
    {
        await ClientTools.EnsureInstalledAsync();
        await using var server = await ApiServerFixture.StartAsync();
        var kubectlCache = Path.Combine(server.Directory, "kubectl-cache");
        var path = ChartPath(chart);
        var isTestChart = chart == "testchart";
        if (isTestChart)
        {
            var crd = await ClientTools.KubectlAsync(server.KubeconfigPath, ["--cache-dir", kubectlCache, "apply", "-f", Api.FixturePath("widgets-crd.yaml")]);
            crd.ExitCode.Should().Be(0, crd.ToString());
        }

        async Task<ClientToolResult> Helm(params string[] args)
        {
            var result = await ClientTools.HelmAsync(server.KubeconfigPath, args);
            result.ExitCode.Should().Be(0, $"helm {string.Join(' ', args)} should succeed:\n{result}");
            return result;
        }

        (await Helm("lint", path)).Stdout.Should().Contain("1 chart(s) linted, 0 chart(s) failed");
        var template = await Helm("template", "rel", path);
        template.Stdout.Should().Contain("kind:");
        var install = await Helm("install", "rel", path, "--wait=false", "--timeout", "60s");
        install.Stdout.Should().Contain("STATUS: deployed");

        var secrets = await ClientTools.KubectlAsync(server.KubeconfigPath, ["--cache-dir", kubectlCache, "get", "secrets", "-l", "owner=helm,name=rel", "-o", "json"]);
        var releases = JsonNode.Parse(secrets.Stdout)!["items"]!.AsArray();
        releases.Should().ContainSingle();
        releases[0]!["type"]!.GetValue<string>().Should().Be("helm.sh/release.v1");

        if (isTestChart)
        {
            var upgrade = await Helm("upgrade", "rel", path, "--set", "greeting=bonjour", "--set", "widgetMode=Incremental", "--wait=false");
            upgrade.Stdout.Should().Contain("REVISION: 2");
            var cm = await ClientTools.KubectlAsync(server.KubeconfigPath, ["--cache-dir", kubectlCache, "get", "configmap", "rel-settings", "-o", "jsonpath={.data.greeting}"]);
            cm.Stdout.Should().Be("bonjour");
            var widget = await ClientTools.KubectlAsync(server.KubeconfigPath, ["--cache-dir", kubectlCache, "get", "widget", "rel-widget", "-o", "jsonpath={.spec.mode}"]);
            widget.Stdout.Should().Be("Incremental");
            var deploy = await ClientTools.KubectlAsync(server.KubeconfigPath, ["--cache-dir", kubectlCache, "get", "deployment", "rel-agent", "-o", "jsonpath={.spec.template.spec.containers[0].env[0].value}"]);
            deploy.Stdout.Should().Be("bonjour");
        }
        else
        {
            (await Helm("upgrade", "rel", path, "--wait=false")).Stdout.Should().Contain("REVISION: 2");
        }

        var list = await Helm("list", "-o", "json");
        JsonNode.Parse(list.Stdout)!.AsArray().Should().ContainSingle(r => r!["name"]!.GetValue<string>() == "rel" && r["status"]!.GetValue<string>() == "deployed");
        (await Helm("history", "rel")).Stdout.Should().Contain("superseded");

        (await Helm("uninstall", "rel")).Stdout.Should().Contain("release \"rel\" uninstalled");
        var after = await ClientTools.KubectlAsync(server.KubeconfigPath, ["--cache-dir", kubectlCache, "get", "secrets,configmaps,deployments", "-l", "app.kubernetes.io/instance=rel", "-o", "name"]);
        after.Stdout.Trim().Should().BeEmpty();
        (await Helm("list", "-q")).Stdout.Trim().Should().BeEmpty();
    }
}
