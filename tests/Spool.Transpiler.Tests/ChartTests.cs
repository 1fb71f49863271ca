using System.Text.Json.Nodes;

namespace Spool.Transpiler.Tests;

[Category("Component")]
public sealed class ChartTests
{
    [Test]
    public async Task Helm_lint_is_clean()
    {
        var result = await Helm.RunAsync("lint", "--strict", RepositoryPaths.Chart);
        result.ExitCode.Should().Be(0, result.ToString());
        result.Stdout.Should().Contain("0 chart(s) failed").And.NotContain("[WARNING]").And.NotContain("[ERROR]");
    }

    [Test]
    public void Chart_crds_are_the_repository_crds()
    {
        var chart = Directory.GetFiles(RepositoryPaths.ChartCrds).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var repository = Directory.GetFiles(RepositoryPaths.Crds).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        chart.Should().Equal(repository, "charts/spool/crds must hold exactly crds/: run make crds");
        foreach (var name in repository)
        {
            File.ReadAllBytes(Path.Combine(RepositoryPaths.ChartCrds, name!)).Should().Equal(
                File.ReadAllBytes(Path.Combine(RepositoryPaths.Crds, name!)), $"charts/spool/crds/{name} differs from crds/{name}: run make crds");
        }
    }

    [Test]
    public async Task Operator_deployment_runs_two_replicas_with_probes_metrics_and_no_root()
    {
        var documents = await Helm.TemplateAsync();
        var deployment = Helm.Single(documents, "Deployment", "-operator");
        deployment["spec"]!["replicas"]!.GetValue<long>().Should().Be(2);
        var pod = deployment["spec"]!["template"]!["spec"]!;
        pod["securityContext"]!["runAsNonRoot"]!.GetValue<bool>().Should().BeTrue();
        pod["securityContext"]!["runAsUser"]!.GetValue<long>().Should().Be(65532);
        var container = pod["containers"]![0]!;
        Strings(container["args"]).Should().ContainInOrder("run", "--namespace", "$(POD_NAMESPACE)", "--identity", "$(POD_NAME)", "--health-port", "8081", "--metrics-port", "8080");
        EnvNames(container).Should().Contain(["POD_NAME", "POD_NAMESPACE"]);
        container["readinessProbe"]!["httpGet"]!["path"]!.GetValue<string>().Should().Be("/readyz");
        container["livenessProbe"]!["httpGet"]!["path"]!.GetValue<string>().Should().Be("/healthz");
        var ports = container["ports"]!.AsArray().ToDictionary(p => p!["name"]!.GetValue<string>(), p => p!["containerPort"]!.GetValue<long>());
        ports.Should().Equal(new Dictionary<string, long> { ["metrics"] = 8080, ["health"] = 8081 });
        container["readinessProbe"]!["httpGet"]!["port"]!.GetValue<string>().Should().Be("health");
        container["securityContext"]!["readOnlyRootFilesystem"]!.GetValue<bool>().Should().BeTrue();
        container["securityContext"]!["allowPrivilegeEscalation"]!.GetValue<bool>().Should().BeFalse();
        Strings(container["securityContext"]!["capabilities"]!["drop"]).Should().Equal("ALL");
        container["resources"]!["requests"].Should().NotBeNull();

        var service = Helm.Single(documents, "Service", "-operator-metrics");
        service["spec"]!["ports"]![0]!["targetPort"]!.GetValue<string>().Should().Be("metrics");
        JsonNode.DeepEquals(service["spec"]!["selector"], deployment["spec"]!["selector"]!["matchLabels"]).Should().BeTrue("the metrics Service selects the operator pods");
        documents.Should().NotContain(d => d["kind"]!.GetValue<string>() == "ServiceMonitor");
    }

    [Test]
    public async Task Agent_daemonset_reads_volumes_with_the_fewest_capabilities()
    {
        var documents = await Helm.TemplateAsync();
        var daemonSet = Helm.Single(documents, "DaemonSet", "-agent");
        var pod = daemonSet["spec"]!["template"]!["spec"]!;
        var container = pod["containers"]![0]!;
        var nodeName = container["env"]!.AsArray().Single(e => e!["name"]!.GetValue<string>() == "NODE_NAME")!;
        nodeName["valueFrom"]!["fieldRef"]!["fieldPath"]!.GetValue<string>().Should().Be("spec.nodeName");

        var security = container["securityContext"]!;
        security["privileged"]!.GetValue<bool>().Should().BeFalse();
        security["runAsUser"]!.GetValue<long>().Should().Be(0);
        Strings(security["capabilities"]!["drop"]).Should().Equal("ALL");
        Strings(security["capabilities"]!["add"]).Should().BeEquivalentTo("DAC_READ_SEARCH", "CHOWN", "FOWNER", "DAC_OVERRIDE");

        var kubelet = container["volumeMounts"]!.AsArray().Single(m => m!["mountPath"]!.GetValue<string>() == "/var/lib/kubelet/pods")!;
        kubelet["mountPropagation"]!.GetValue<string>().Should().Be("HostToContainer");
        var volumes = pod["volumes"]!.AsArray();
        volumes.Single(v => v!["name"]!.GetValue<string>() == kubelet["name"]!.GetValue<string>())!["hostPath"]!["path"]!.GetValue<string>()
            .Should().Be("/var/lib/kubelet/pods");
        volumes.Should().Contain(v => v!["hostPath"] != null && v["hostPath"]!["path"]!.GetValue<string>() == "/var/lib/spool/drives");
        container["volumeMounts"]!.AsArray().Should().Contain(m => m!["mountPath"]!.GetValue<string>() == "/var/lib/spool/drives");

        pod["tolerations"]!.AsArray().Should().ContainSingle().Which!["operator"]!.GetValue<string>().Should().Be("Exists");
        pod.AsObject().ContainsKey("priorityClassName").Should().BeFalse();
    }

    [Test]
    public async Task Values_reach_the_agent_drives_tapes_and_priority_class()
    {
        var documents = await Helm.TemplateAsync(
            "agent.drivePaths[0]=/mnt/san/drives", "agent.drivePaths[1]=/mnt/nfs/drives",
            "agent.tapeDevices[0]=/dev/nst0", "agent.priorityClassName=system-node-critical");
        var pod = Helm.Single(documents, "DaemonSet", "-agent")["spec"]!["template"]!["spec"]!;
        pod["priorityClassName"]!.GetValue<string>().Should().Be("system-node-critical");
        var container = pod["containers"]![0]!;
        container["securityContext"]!["privileged"]!.GetValue<bool>().Should().BeTrue("tape ioctls need a privileged container");
        var paths = pod["volumes"]!.AsArray().Where(v => v!["hostPath"] is not null).Select(v => v!["hostPath"]!["path"]!.GetValue<string>());
        paths.Should().Contain(["/mnt/san/drives", "/mnt/nfs/drives", "/dev/nst0"]).And.NotContain("/var/lib/spool/drives");
        pod["volumes"]!.AsArray().Single(v => v!["hostPath"]?["path"]?.GetValue<string>() == "/dev/nst0")!["hostPath"]!["type"]!.GetValue<string>().Should().Be("CharDevice");
    }

    [Test]
    public async Task Service_monitor_is_optional()
    {
        var documents = await Helm.TemplateAsync("metrics.serviceMonitor.enabled=true");
        var monitor = Helm.Single(documents, "ServiceMonitor");
        monitor["spec"]!["endpoints"]![0]!["port"]!.GetValue<string>().Should().Be("metrics");
        monitor["spec"]!["endpoints"]![0]!["path"]!.GetValue<string>().Should().Be("/metrics");
    }

    [TestCase("operator.replicas=0")]
    [TestCase("agent.kubeletRoot=relative/path")]
    [TestCase("agent.tapeDevices[0]=/tmp/not-a-device")]
    [TestCase("operator.unknownKey=1")]
    public async Task Values_schema_rejects_bad_values(string set)
    {
        var result = await Helm.RunAsync("template", "spool", RepositoryPaths.Chart, "--set", set);
        result.ExitCode.Should().NotBe(0, $"--set {set} must be rejected by values.schema.json");
        result.Stderr.Should().Contain("values don't meet the specifications of the schema");
    }

    [Test]
    public async Task Every_object_is_namespaced_to_the_release_or_cluster_scoped()
    {
        var clusterScoped = new[] { "ClusterRole", "ClusterRoleBinding" };
        foreach (var document in await Helm.TemplateAsync())
        {
            var kind = document["kind"]!.GetValue<string>();
            var ns = document["metadata"]!["namespace"]?.GetValue<string>();
            if (clusterScoped.Contains(kind))
            {
                ns.Should().BeNull();
            }
            else
            {
                ns.Should().Be("spool-system", $"{kind} {document["metadata"]!["name"]} belongs in the release namespace");
            }

            document["metadata"]!["labels"]!["app.kubernetes.io/part-of"]!.GetValue<string>().Should().Be("spool");
        }
    }

    private static string[] Strings(JsonNode? node) => node!.AsArray().Select(n => n!.GetValue<string>()).ToArray();

    private static IEnumerable<string> EnvNames(JsonNode container) => container["env"]!.AsArray().Select(e => e!["name"]!.GetValue<string>());
}
