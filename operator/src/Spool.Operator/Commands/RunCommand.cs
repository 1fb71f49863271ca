using System.CommandLine;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Spool.Kube;
using Spool.Operator.Hosting;

namespace Spool.Operator.Commands;

/// <summary><c>run</c>: the operator process — leader election, informers, the BackupJob, RestoreJob and TapeDrive controllers, health and metrics.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "Kubeconfig file; in-cluster config or KUBECONFIG / ~/.kube/config when empty" };
        var context = new Option<string?>("--context") { Description = "Kubeconfig context" };
        var ns = new Option<string>("--namespace", "-n")
        {
            Description = "Namespace of the operator and its leader election Lease (env POD_NAMESPACE)",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("POD_NAMESPACE") is { Length: > 0 } value ? value : "spool-system",
        };
        var agentNamespace = new Option<string?>("--agent-namespace") { Description = "Namespace of the agents' node Leases spool-agent-<node>; the operator's namespace when empty" };
        var identity = new Option<string>("--identity")
        {
            Description = "Leader election identity (env POD_NAME; hostname_pid when empty)",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } value ? value : $"{Environment.MachineName}_{Environment.ProcessId}",
        };
        var leaderElect = new Option<bool>("--leader-elect") { Description = "Run the controllers only while holding the Lease spool-operator", DefaultValueFactory = _ => true };
        var leaseDuration = new Option<int>("--lease-duration-seconds") { Description = "Leader Lease duration", DefaultValueFactory = _ => 15 };
        var renewDeadline = new Option<int>("--renew-deadline-seconds") { Description = "The leader gives up when it could not renew for this long", DefaultValueFactory = _ => 10 };
        var retryPeriod = new Option<int>("--retry-period-seconds") { Description = "Time between acquire and renew attempts", DefaultValueFactory = _ => 2 };
        var healthPort = new Option<int>("--health-port") { Description = "Port of /healthz and /readyz; 0 picks a free port, -1 disables", DefaultValueFactory = _ => 8081 };
        var metricsPort = new Option<int>("--metrics-port") { Description = "Port of /metrics (Prometheus text); 0 picks a free port, -1 disables", DefaultValueFactory = _ => 8080 };
        var logFormat = new Option<string>("--log-format") { Description = "json or text", DefaultValueFactory = _ => "json" };
        logFormat.AcceptOnlyFromAmong("json", "text");
        var workers = new Option<int>("--workers") { Description = "Concurrent BackupJob reconciles (RestoreJob and TapeDrive get half)", DefaultValueFactory = _ => 4 };
        var maxStreams = new Option<int>("--max-streams-per-node") { Description = "Running jobs per node, over all jobs", DefaultValueFactory = _ => 4 };
        var mounterImage = new Option<string>("--mounter-image") { Description = "Image of the mounter pod for idle volumes (spec.mountWhenIdle)", DefaultValueFactory = _ => "registry.k8s.io/pause:3.10" };
        var csiSnapshots = new Option<bool>("--csi-snapshots") { Description = "Watch snapshot.storage.k8s.io/v1 VolumeSnapshots and start the clones of CSISnapshot jobs; false on a cluster without that API (CSISnapshot jobs are then refused)", DefaultValueFactory = _ => true };
        var qps = new Option<double>("--kube-api-qps") { Description = "Steady rate of requests to the API server per second (client-side limit); 0 disables the limit", DefaultValueFactory = _ => 50 };
        var burst = new Option<int>("--kube-api-burst") { Description = "Requests allowed at once above --kube-api-qps", DefaultValueFactory = _ => 100 };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Debug logs" };

        var command = new Command("run", "Run the operator: place jobs on their volumes' owner nodes, arbitrate drives, fail over, fence stale writers")
        {
            kubeconfig, context, ns, agentNamespace, identity, leaderElect, leaseDuration, renewDeadline, retryPeriod,
            healthPort, metricsPort, logFormat, workers, maxStreams, mounterImage, csiSnapshots, qps, burst, verbose,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new RunOptions
            {
                Kubeconfig = parse.GetValue(kubeconfig),
                Context = parse.GetValue(context),
                Namespace = parse.GetRequiredValue(ns),
                AgentNamespace = parse.GetValue(agentNamespace),
                Identity = parse.GetRequiredValue(identity),
                LeaderElect = parse.GetValue(leaderElect),
                LeaseDuration = TimeSpan.FromSeconds(parse.GetValue(leaseDuration)),
                RenewDeadline = TimeSpan.FromSeconds(parse.GetValue(renewDeadline)),
                RetryPeriod = TimeSpan.FromSeconds(parse.GetValue(retryPeriod)),
                HealthPort = parse.GetValue(healthPort),
                MetricsPort = parse.GetValue(metricsPort),
                LogFormat = parse.GetRequiredValue(logFormat),
                Workers = Math.Max(1, parse.GetValue(workers)),
                MaxStreamsPerNode = Math.Max(1, parse.GetValue(maxStreams)),
                MounterImage = parse.GetRequiredValue(mounterImage),
                CsiSnapshots = parse.GetValue(csiSnapshots),
            };
            using var loggers = CreateLoggers(options.LogFormat, parse.GetValue(verbose) ? LogLevel.Debug : LogLevel.Information);
            var logger = loggers.CreateLogger("Spool.Operator");
            KubernetesClientConfiguration configuration;
            try
            {
                configuration = options.Kubeconfig is { } path
                    ? KubernetesClientConfiguration.FromKubeconfig(path, options.Context)
                    : KubernetesClientConfiguration.FromDefault(options.Context);
            }
            catch (Exception e) when (e is KubeConfigException or IOException or UnauthorizedAccessException)
            {
                logger.LogError("Cannot load the cluster configuration error={Error}", e.Message);
                return 3;
            }

            // A User-Agent of its own names the operator's writes (field manager) and requests apart from the agents'.
            configuration = configuration with
            {
                Qps = Math.Max(0, parse.GetValue(qps)),
                Burst = Math.Max(1, parse.GetValue(burst)),
                UserAgent = UserAgents.For("spool-operator", typeof(RunCommand).Assembly),
            };
            using var client = new KubernetesClient(configuration, loggers.CreateLogger("Spool.Kube.Client"));
            var host = new OperatorHost(options, loggers, TimeProvider.System);
            return await host.RunAsync(client, cancellationToken);
        });
        return command;
    }


    public static ILoggerFactory CreateLoggers(string format, LogLevel level) => LoggerFactory.Create(builder =>
    {
        builder.SetMinimumLevel(level);
        builder.AddFilter("Microsoft", LogLevel.Warning);
        if (format == "text")
        {
            builder.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z' ";
            });
        }
        else
        {
            builder.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
                o.IncludeScopes = false;
            });
        }
    });
}
