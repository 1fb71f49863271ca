using System.Diagnostics;
using System.Text.Json.Nodes;
using Spool.Testing;

namespace Spool.ApiServer.Tests;

/// <summary>Real kubectl (from .tools/bin) against the embedded server. Tests use distinct names and run in parallel.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class KubectlTests
{
    private ApiServerFixture server = null!;
    private string cacheDir = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        await ClientTools.EnsureInstalledAsync();
        server = await ApiServerFixture.StartAsync(configure: o => o with { PodExecHandler = new EchoExecHandler() });
        cacheDir = Path.Combine(server.Directory, "kubectl-cache");
        var applied = await Kubectl("apply", "-f", Api.FixturePath("widgets-crd.yaml"));
        applied.Stdout.Should().Contain("customresourcedefinition.apiextensions.k8s.io/widgets.test.spool.dev created");
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await server.DisposeAsync();

    private async Task<ClientToolResult> Kubectl(params string[] args)
    {
        var result = await ClientTools.KubectlAsync(server.KubeconfigPath, ["--cache-dir", cacheDir, .. args]);
        result.ExitCode.Should().Be(0, $"kubectl {string.Join(' ', args)} should succeed:\n{result}");
        return result;
    }

    private Task<ClientToolResult> KubectlMayFail(params string[] args) =>
        ClientTools.KubectlAsync(server.KubeconfigPath, ["--cache-dir", cacheDir, .. args]);

    private Task<ClientToolResult> KubectlStdin(string stdin, params string[] args) =>
        ClientTools.KubectlAsync(server.KubeconfigPath, ["--cache-dir", cacheDir, .. args], stdin);

    private static string WidgetYaml(string name, string mode = "Full", int size = 5, string extraMeta = "") => $"""
        apiVersion: test.spool.dev/v1
        kind: Widget
        metadata:
          name: {name}
          labels:
            app: spool
        {extraMeta}
        spec:
          mode: {mode}
          size: {size}
        """;

    [Test]
    public async Task Apply_custom_resource_and_get_as_table_with_printer_columns()
    {
        var applied = await KubectlStdin(WidgetYaml("tbl-a", "Incremental", 7), "apply", "-f", "-");
        applied.ExitCode.Should().Be(0, applied.ToString());
        applied.Stdout.Should().Contain("widget.test.spool.dev/tbl-a created");
        var table = await Kubectl("get", "widgets", "tbl-a");
        var lines = table.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().MatchRegex(@"^NAME\s+MODE\s+SIZE\s+PHASE\s+READY\s+AGE$");
        lines[1].Should().MatchRegex(@"^tbl-a\s+Incremental\s+7\s+\d+s$");
        var byShortName = await Kubectl("get", "wdg");
        byShortName.Stdout.Should().Contain("tbl-a");
        var byCategory = await Kubectl("get", "spooltest");
        byCategory.Stdout.Should().Contain("tbl-a");
        var labels = await Kubectl("get", "widgets", "-l", "app=spool", "--show-labels");
        labels.Stdout.Should().Contain("app=spool");
    }

    [Test]
    public async Task Get_as_json()
    {
        (await KubectlStdin(WidgetYaml("json-a"), "apply", "-f", "-")).ExitCode.Should().Be(0);
        var result = await Kubectl("get", "widget", "json-a", "-o", "json");
        var obj = JsonNode.Parse(result.Stdout)!;
        obj["kind"]!.GetValue<string>().Should().Be("Widget");
        obj["spec"]!["mode"]!.GetValue<string>().Should().Be("Full");
        obj["metadata"]!["annotations"]!["kubectl.kubernetes.io/last-applied-configuration"].Should().NotBeNull();
    }

    [Test]
    public async Task Patch_merge_and_status_subresource_then_wait_for_condition()
    {
        (await KubectlStdin(WidgetYaml("patch-a"), "apply", "-f", "-")).ExitCode.Should().Be(0);
        (await Kubectl("patch", "widget", "patch-a", "--type", "merge", "-p", "{\"spec\":{\"size\":42}}")).Stdout.Should().Contain("patched");
        var status = await Kubectl("patch", "widget", "patch-a", "--subresource", "status", "--type", "merge", "-p", "{\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"Done\"}]}}");
        status.Stdout.Should().Contain("patched");
        var wait = await Kubectl("wait", "--for=condition=Ready", "widget/patch-a", "--timeout=20s");
        wait.Stdout.Should().Contain("condition met");
        var json = JsonNode.Parse((await Kubectl("get", "widget", "patch-a", "-o", "json")).Stdout)!;
        json["spec"]!["size"]!.GetValue<long>().Should().Be(42);
        json["status"]!["phase"]!.GetValue<string>().Should().Be("Running");
        json["metadata"]!["generation"]!.GetValue<long>().Should().Be(2);
        var table = await Kubectl("get", "widget", "patch-a");
        table.Stdout.Should().MatchRegex(@"patch-a\s+Full\s+42\s+Running\s+True");
        var jsonPatch = await Kubectl("patch", "widget", "patch-a", "--type", "json", "-p", "[{\"op\":\"test\",\"path\":\"/spec/size\",\"value\":42},{\"op\":\"replace\",\"path\":\"/spec/size\",\"value\":43}]");
        jsonPatch.Stdout.Should().Contain("patched");
    }

    [Test]
    public async Task Get_watch_receives_events()
    {
        (await KubectlStdin(WidgetYaml("watch-a"), "apply", "-f", "-")).ExitCode.Should().Be(0);
        using var process = ClientTools.Start(ClientTools.KubectlPath, ["--kubeconfig", server.KubeconfigPath, "--cache-dir", cacheDir, "get", "widgets", "-w", "--output-watch-events"]);
        try
        {
            var lines = new List<string>();
            var sawInitial = await ReadUntilAsync(process, lines, l => l.Contains("watch-a", StringComparison.Ordinal));
            sawInitial.Should().BeTrue(string.Join('\n', lines));
            (await KubectlStdin(WidgetYaml("watch-b"), "apply", "-f", "-")).ExitCode.Should().Be(0);
            (await ReadUntilAsync(process, lines, l => l.Contains("watch-b", StringComparison.Ordinal))).Should().BeTrue(string.Join('\n', lines));
            await Kubectl("patch", "widget", "watch-b", "--type", "merge", "-p", "{\"spec\":{\"size\":9}}");
            (await ReadUntilAsync(process, lines, l => l.StartsWith("MODIFIED", StringComparison.Ordinal) && l.Contains("watch-b", StringComparison.Ordinal))).Should().BeTrue(string.Join('\n', lines));
            await Kubectl("delete", "widget", "watch-b");
            (await ReadUntilAsync(process, lines, l => l.StartsWith("DELETED", StringComparison.Ordinal) && l.Contains("watch-b", StringComparison.Ordinal))).Should().BeTrue(string.Join('\n', lines));
            lines.Should().Contain(l => l.StartsWith("ADDED", StringComparison.Ordinal) && l.Contains("watch-b", StringComparison.Ordinal));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static async Task<bool> ReadUntilAsync(Process process, List<string> lines, Func<string, bool> predicate)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(cts.Token);
                if (line is null)
                {
                    lines.Add("<eof> " + await process.StandardError.ReadToEndAsync(CancellationToken.None));
                    return false;
                }

                lines.Add(line);
                if (predicate(line))
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [Test]
    public async Task Apply_server_side_creates_and_updates()
    {
        var first = await KubectlStdin(WidgetYaml("ssa-a", size: 3), "apply", "--server-side", "-f", "-");
        first.ExitCode.Should().Be(0, first.ToString());
        first.Stdout.Should().Contain("widget.test.spool.dev/ssa-a serverside-applied");
        var second = await KubectlStdin(WidgetYaml("ssa-a", "Incremental", 4), "apply", "--server-side", "-f", "-");
        second.ExitCode.Should().Be(0, second.ToString());
        var json = JsonNode.Parse((await Kubectl("get", "widget", "ssa-a", "-o", "json", "--show-managed-fields")).Stdout)!;
        json["spec"]!["mode"]!.GetValue<string>().Should().Be("Incremental");
        json["spec"]!["size"]!.GetValue<long>().Should().Be(4);
        json["metadata"]!["managedFields"]!.AsArray().Should().Contain(m => m!["manager"]!.GetValue<string>() == "kubectl" && m["operation"]!.GetValue<string>() == "Apply");
    }

    [Test]
    public async Task Delete_of_an_object_with_a_finalizer_waits_for_the_finalizer()
    {
        var yaml = WidgetYaml("fin-a", extraMeta: "  finalizers:\n  - spool.dev/drain");
        (await KubectlStdin(yaml, "apply", "-f", "-")).ExitCode.Should().Be(0);
        (await Kubectl("delete", "widget", "fin-a", "--wait=false")).Stdout.Should().Contain("deleted");
        var marked = JsonNode.Parse((await Kubectl("get", "widget", "fin-a", "-o", "json")).Stdout)!;
        marked["metadata"]!["deletionTimestamp"].Should().NotBeNull();
        await Kubectl("patch", "widget", "fin-a", "--type", "merge", "-p", "{\"metadata\":{\"finalizers\":null}}");
        var gone = await KubectlMayFail("get", "widget", "fin-a");
        gone.ExitCode.Should().NotBe(0);
        gone.Stderr.Should().Contain("widgets.test.spool.dev \"fin-a\" not found");
    }

    [Test]
    public async Task Explain_uses_the_crd_schema()
    {
        var result = await Kubectl("explain", "widgets.spec");
        result.Stdout.Should().Contain("KIND:       Widget");
        result.Stdout.Should().Contain("mode\t<string> -required-");
        result.Stdout.Should().Contain("checkpoint\t<Object>");
    }

    [Test]
    public async Task Invalid_object_gets_field_errors()
    {
        const string yaml = """
            apiVersion: test.spool.dev/v1
            kind: Widget
            metadata:
              name: bad-a
            spec:
              mode: Foo
              size: 0
              checkpoint:
                intervalBytes: 5
            """;
        var result = await KubectlStdin(yaml, "apply", "-f", "-");
        result.ExitCode.Should().NotBe(0);
        result.Stderr.Should().Contain("The Widget \"bad-a\" is invalid");
        result.Stderr.Should().Contain("spec.mode: Unsupported value: \"Foo\": supported values: \"Full\", \"Incremental\"");
        result.Stderr.Should().Contain("spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1");
        result.Stderr.Should().Contain("spec.checkpoint.intervalBytes: Invalid value: 5");
        var missing = await KubectlStdin("apiVersion: test.spool.dev/v1\nkind: Widget\nmetadata:\n  name: bad-b\nspec:\n  size: 3\n", "create", "-f", "-");
        missing.Stderr.Should().Contain("spec.mode: Required value");
        var unknown = await KubectlStdin("apiVersion: test.spool.dev/v1\nkind: Widget\nmetadata:\n  name: bad-c\nspec:\n  mode: Full\n  colour: red\n", "apply", "-f", "-");
        unknown.ExitCode.Should().NotBe(0);
        unknown.Stderr.Should().Contain("unknown field \"spec.colour\"");
    }

    [Test]
    public async Task Repository_crds_apply_and_are_served()
    {
        var crdDir = Path.Combine(ClientTools.RepoRoot, "crds");
        var files = Directory.Exists(crdDir) ? Directory.GetFiles(crdDir, "*.yaml").Order().ToArray() : [];
        foreach (var file in files)
        {
            var result = await Kubectl("apply", "-f", file);
            result.Stdout.Should().Contain("customresourcedefinition.apiextensions.k8s.io/");
            var crd = JsonNode.Parse(YamlJson.Parse(await File.ReadAllTextAsync(file))!.ToJsonString())!;
            var plural = crd["spec"]!["names"]!["plural"]!.GetValue<string>();
            var group = crd["spec"]!["group"]!.GetValue<string>();
            var list = await Kubectl("get", plural + "." + group, "-A");
            list.ExitCode.Should().Be(0);
        }

        var resources = await Kubectl("api-resources");
        resources.Stdout.Should().MatchRegex(@"widgets\s+wdg\s+test.spool.dev/v1\s+true\s+Widget");
    }

    [Test]
    public async Task Built_ins_work_with_client_side_apply_create_and_delete()
    {
        const string deployment = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 1
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: main
                    image: nginx:1
                    env:
                    - {name: A, value: "1"}
                  - name: side
                    image: busybox:1
            """;
        (await KubectlStdin(deployment, "apply", "-f", "-")).ExitCode.Should().Be(0);
        var changed = deployment.Replace("nginx:1", "nginx:2", StringComparison.Ordinal).Replace("- name: side\n    image: busybox:1\n", string.Empty, StringComparison.Ordinal);
        var reapplied = await KubectlStdin(changed, "apply", "-f", "-");
        reapplied.ExitCode.Should().Be(0, reapplied.ToString());
        reapplied.Stdout.Should().Contain("deployment.apps/web configured");
        var json = JsonNode.Parse((await Kubectl("get", "deploy", "web", "-o", "json")).Stdout)!;
        json["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>().Should().Be("nginx:2");
        json["metadata"]!["generation"]!.GetValue<long>().Should().Be(2);

        await Kubectl("create", "configmap", "cm-a", "--from-literal=k=v");
        await Kubectl("create", "secret", "generic", "sec-a", "--from-literal=password=hunter2");
        var secret = JsonNode.Parse((await Kubectl("get", "secret", "sec-a", "-o", "json")).Stdout)!;
        secret["data"]!["password"]!.GetValue<string>().Should().Be(Convert.ToBase64String("hunter2"u8.ToArray()));
        await Kubectl("label", "configmap", "cm-a", "tier=tape");
        (await Kubectl("get", "cm", "-l", "tier=tape", "-o", "name")).Stdout.Trim().Should().Be("configmap/cm-a");
        await Kubectl("create", "namespace", "kubectl-ns");
        await Kubectl("create", "configmap", "inner", "-n", "kubectl-ns", "--from-literal=a=b");
        await Kubectl("delete", "namespace", "kubectl-ns", "--timeout=30s");
        (await KubectlMayFail("get", "namespace", "kubectl-ns")).ExitCode.Should().NotBe(0);
        (await Kubectl("delete", "configmap", "cm-a")).Stdout.Should().Contain("configmap \"cm-a\" deleted");
        (await Kubectl("auth", "can-i", "create", "pods")).Stdout.Trim().Should().Be("yes");
        (await Kubectl("get", "ns")).Stdout.Should().Contain("kube-system");
    }

    [Test]
    public async Task Exec_runs_through_the_registered_handler()
    {
        const string pod = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: exec-a
            spec:
              containers:
              - name: main
                image: busybox
            """;
        (await KubectlStdin(pod, "apply", "-f", "-")).ExitCode.Should().Be(0);
        var result = await Kubectl("exec", "exec-a", "-c", "main", "--", "echo", "hello");
        result.Stdout.Should().Contain("pod=exec-a container=main cmd=echo hello");
        var failing = await KubectlMayFail("exec", "exec-a", "--", "exit", "3");
        failing.ExitCode.Should().Be(3, failing.ToString());
        failing.Stderr.Should().Contain("failing on purpose");
    }
}
