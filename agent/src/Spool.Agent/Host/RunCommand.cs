using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Spool.Agent.Host.Hooks;
using Spool.Agent.Host.Logging;
using Spool.Agent.Host.Metrics;
using Spool.Agent.Host.Streaming;
using Spool.Kube;

namespace Spool.Agent.Host;

/// <summary><c>spool-agent run</c>: the DaemonSet agent of one node.</summary>
public static class RunCommand
{
    /// <summary>How long a stopping agent may take to hand its jobs back before it gives up.</summary>
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(20);

    public static Command Create()
    {
        var node = new Option<string?>("--node") { Description = "Node this agent serves; defaults to $NODE_NAME (required one way or the other)." };
        var ns = new Option<string?>("--namespace") { Description = "Namespace of the agent's node Lease; defaults to $POD_NAMESPACE, else spool-system." };
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "Kubeconfig file; in-cluster config or $KUBECONFIG when absent." };
        var context = new Option<string?>("--context") { Description = "Kubeconfig context." };
        var identity = new Option<string?>("--identity") { Description = "Lease holder identity; defaults to <node>/<$POD_NAME or host-pid>." };
        var kubeletRoot = new Option<string>("--kubelet-root") { Description = "Kubelet root holding pods/<uid>/volumes.", DefaultValueFactory = _ => AgentOptions.DefaultKubeletRoot };
        var driveRoot = new Option<string>("--drive-root-prefix") { Description = "Prefix for TapeDrive spec.path on this node (tests, simulated nodes).", DefaultValueFactory = _ => "" };
        var hostRoot = new Option<string>("--host-path-prefix") { Description = "Prefix for RestoreJob nodePath targets on this node.", DefaultValueFactory = _ => "" };
        var renew = new Option<double>("--lease-renew-seconds") { Description = "Node Lease renew period.", DefaultValueFactory = _ => 2 };
        var duration = new Option<double>("--lease-duration-seconds") { Description = "Node Lease duration; renewals failing this long stop every stream.", DefaultValueFactory = _ => 6 };
        var healthPort = new Option<int?>("--health-port") { Description = "Serve /healthz, /readyz and /metrics on this port." };
        var volumeWait = new Option<double>("--volume-wait-seconds") { Description = "Wait this long for a volume that is not mounted on the node yet before reporting VolumeNotFound.", DefaultValueFactory = _ => 30 };
        var catalogNamespace = new Option<string?>("--catalog-namespace") { Description = "Namespace of the operator's catalog ConfigMaps (incremental bases); the agent's namespace when absent." };
        var snapshotTimeout = new Option<double>("--snapshot-timeout-seconds") { Description = "Wait for a VolumeSnapshot to be readyToUse and its clone pod.", DefaultValueFactory = _ => 300 };
        var reclaimInterval = new Option<double>("--reclaim-interval-seconds") { Description = "How often to look for expired backups to delete from the directory drives this node reaches; 0 disables.", DefaultValueFactory = _ => 15 };

        var command = new Command("run", "Run the node agent: heartbeat, watch this node's BackupJobs and RestoreJobs, stream with fenced checkpoints");
        foreach (var option in new Option[] { node, ns, kubeconfig, context, identity, kubeletRoot, driveRoot, hostRoot, renew, duration, healthPort, volumeWait, snapshotTimeout, catalogNamespace, reclaimInterval })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            var nodeName = parse.GetValue(node) ?? Environment.GetEnvironmentVariable("NODE_NAME");
            if (string.IsNullOrWhiteSpace(nodeName))
            {
                await Console.Error.WriteLineAsync("spool-agent run: NODE_NAME (or --node) is required").ConfigureAwait(false);
                return 2;
            }

            var podName = Environment.GetEnvironmentVariable("POD_NAME");
            var options = new AgentOptions
            {
                NodeName = nodeName,
                Namespace = parse.GetValue(ns) ?? NonEmpty(Environment.GetEnvironmentVariable("POD_NAMESPACE")) ?? AgentOptions.DefaultNamespace,
                Identity = parse.GetValue(identity)
                    ?? $"{nodeName}/{NonEmpty(podName) ?? string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}-{Environment.ProcessId}")}",
                KubeletRoot = parse.GetValue(kubeletRoot) ?? AgentOptions.DefaultKubeletRoot,
                DriveRootPrefix = parse.GetValue(driveRoot) ?? "",
                HostPathPrefix = parse.GetValue(hostRoot) ?? "",
                LeaseRenewInterval = TimeSpan.FromSeconds(parse.GetValue(renew)),
                LeaseDuration = TimeSpan.FromSeconds(parse.GetValue(duration)),
                HealthPort = parse.GetValue(healthPort),
                SnapshotTimeout = TimeSpan.FromSeconds(parse.GetValue(snapshotTimeout)),
                VolumeWait = TimeSpan.FromSeconds(parse.GetValue(volumeWait)),
                CatalogNamespace = parse.GetValue(catalogNamespace),
                ReclaimInterval = TimeSpan.FromSeconds(parse.GetValue(reclaimInterval)),
            };
            KubernetesClientConfiguration configuration;
            try
            {
                configuration = parse.GetValue(kubeconfig) is { } path
                    ? KubernetesClientConfiguration.FromKubeconfig(path, parse.GetValue(context))
                    : KubernetesClientConfiguration.FromDefault(parse.GetValue(context));
            }
            catch (KubeConfigException error)
            {
                await Console.Error.WriteLineAsync("spool-agent run: " + error.Message).ConfigureAwait(false);
                return 2;
            }

            // A User-Agent of its own names the agent's writes (field manager) and requests apart from the operator's.
            configuration = configuration with { UserAgent = UserAgents.For("spool-agent", typeof(RunCommand).Assembly) };
            return await RunAsync(options, configuration, TimeProvider.System, Console.Out, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Runs the agent until SIGTERM/SIGINT or <paramref name="cancellationToken"/>, then hands running jobs back.</summary>
    public static async Task<int> RunAsync(AgentOptions options, KubernetesClientConfiguration configuration, TimeProvider time, TextWriter output, CancellationToken cancellationToken)
    {
        var log = new AgentLog(output, time);
        using var client = new KubernetesClient(configuration);
        using var metrics = new AgentMetrics();
        var context = new AgentContext(client, options, time, log, new DataPathEngine(time), new WebSocketPodExec(configuration), metrics);
        var host = new AgentHost(context);
        using var stopping = new CancellationTokenSource();
        using var hardStop = new CancellationTokenSource();
        void Stop(string why)
        {
            if (!stopping.IsCancellationRequested)
            {
                log.Info("Stop requested", "signal", why);
                stopping.Cancel();
                hardStop.CancelAfter(ShutdownGrace);
            }
        }

        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            Stop("SIGTERM");
        });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c =>
        {
            c.Cancel = true;
            Stop("SIGINT");
        });
        using var external = cancellationToken.Register(() => Stop("cancelled"));
        Microsoft.AspNetCore.Builder.WebApplication? health = null;
        try
        {
            if (options.HealthPort is { } port)
            {
                health = await HealthServer.StartAsync(port, host, context, stopping.Token).ConfigureAwait(false);
            }

            await host.RunAsync(stopping.Token, hardStop.Token).ConfigureAwait(false);
            return 0;
        }
        catch (OperationCanceledException) when (hardStop.IsCancellationRequested)
        {
            log.Warning("Shutdown grace period over, exiting with streams still stopping", "grace", ShutdownGrace);
            return 1;
        }
        finally
        {
            if (health is not null)
            {
                await health.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

}
