using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Spool.Kube;
using Spool.Kube.LeaderElection;
using Spool.Operator.Controllers;
using Spool.Operator.Decisions;
using Spool.Operator.Telemetry;

namespace Spool.Operator.Hosting;

/// <summary>
/// The operator process: health and metrics listeners, leader election, and the controllers on the leader. When
/// leadership is lost the process exits with code 1, as controller-runtime does, so that it restarts with empty
/// caches instead of carrying state from its time as leader into a new term; a standby replica takes over meanwhile.
/// </summary>
public sealed class OperatorHost
{
    public const int LeadershipLost = 1;
    public const int ControllersFailed = 2;

    private readonly RunOptions _options;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private volatile SpoolControllers? _controllers;
    private volatile bool _leading;

    public OperatorHost(RunOptions options, ILoggerFactory loggers, TimeProvider time)
    {
        _options = options;
        _loggers = loggers;
        _logger = loggers.CreateLogger("Spool.Operator");
        _time = time;
    }

    /// <summary>Bound address of the health listener, once started.</summary>
    public Uri? HealthAddress { get; private set; }

    public Uri? MetricsAddress { get; private set; }

    public SpoolControllers? Controllers => _controllers;

    public async Task<int> RunAsync(IKubernetesClient client, CancellationToken cancellationToken)
    {
        using var collector = new MetricsCollector(OperatorTelemetry.Name, KubeMetrics.MeterName);
        using var otel = OtlpFromEnvironment();
        await using var health = _options.HealthPort >= 0 ? await StartListenerAsync(_options.HealthPort, app =>
        {
            app.MapGet("/healthz", () => Results.Text("ok"));
            app.MapGet("/readyz", () => !_leading || _controllers?.Synced == true ? Results.Text("ok") : Results.Text("informers not synced", statusCode: 503));
        }, cancellationToken) : null;
        HealthAddress = Address(health);
        await using var metrics = _options.MetricsPort >= 0 ? await StartListenerAsync(_options.MetricsPort, app =>
        {
            app.MapGet("/metrics", () => Results.Text(PrometheusTextWriter.Write(collector.Collect()), PrometheusTextWriter.ContentType));
        }, cancellationToken) : null;
        MetricsAddress = Address(metrics);
        _logger.LogInformation("Operator starting identity={Identity} namespace={Namespace} agentNamespace={AgentNamespace} leaderElect={LeaderElect} health={Health} metrics={Metrics}",
            _options.Identity, _options.Namespace, Settings.AgentNamespace, _options.LeaderElect, HealthAddress?.ToString() ?? "off", MetricsAddress?.ToString() ?? "off");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var failed = false;
        async Task Lead(CancellationToken leading)
        {
            _leading = true;
            await using var controllers = new SpoolControllers(client, Settings, _loggers, _time, _options.Workers, _options.Identity);
            _controllers = controllers;
            try
            {
                await controllers.RunAsync(leading);
            }
            catch (OperationCanceledException) when (leading.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                failed = true;
                _logger.LogError(e, "Controllers failed identity={Identity}", _options.Identity);
                await stop.CancelAsync();
            }
        }

        if (!_options.LeaderElect)
        {
            await Lead(stop.Token);
            return failed ? ControllersFailed : 0;
        }

        var lost = false;
        var elector = new LeaderElector(
            client,
            new LeaderElectionConfig
            {
                LeaseName = _options.LeaseName,
                LeaseNamespace = _options.Namespace,
                Identity = _options.Identity,
                LeaseDuration = _options.LeaseDuration,
                RenewDeadline = _options.RenewDeadline,
                RetryPeriod = _options.RetryPeriod,
                OnStartedLeading = Lead,
                OnStoppedLeading = () => lost = true,
                OnNewLeader = leader => _logger.LogInformation("Observed leader leader={Leader} identity={Identity}", leader, _options.Identity),
            },
            _loggers.CreateLogger("Spool.Operator.LeaderElection"),
            _time);
        await elector.RunAsync(stop.Token);
        if (failed)
        {
            return ControllersFailed;
        }

        if (lost && !cancellationToken.IsCancellationRequested)
        {
            _logger.LogError("Leader election lost, exiting so that a fresh process takes over identity={Identity}", _options.Identity);
            return LeadershipLost;
        }

        _logger.LogInformation("Operator stopped identity={Identity}", _options.Identity);
        return 0;
    }

    public OperatorSettings Settings => new()
    {
        AgentNamespace = string.IsNullOrEmpty(_options.AgentNamespace) ? _options.Namespace : _options.AgentNamespace,
        OperatorNamespace = _options.Namespace,
        MaxStreamsPerNode = _options.MaxStreamsPerNode,
        MounterImage = _options.MounterImage,
        CsiSnapshots = _options.CsiSnapshots,
    };

    private static Uri? Address(WebApplication? app) =>
        app?.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.Select(a => new Uri(a)).FirstOrDefault();

    private async Task<WebApplication> StartListenerAsync(int port, Action<WebApplication> map, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Any, port));
        var app = builder.Build();
        map(app);
        await app.StartAsync(cancellationToken);
        return app;
    }

    /// <summary>OTLP export of metrics and traces when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; the exporter reads the rest of the standard variables.</summary>
    private IDisposable? OtlpFromEnvironment()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")))
        {
            return null;
        }

        void Resource(ResourceBuilder r) => r.AddService("spool-operator", serviceInstanceId: _options.Identity);
        var meters = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(Resource)
            .AddMeter(OperatorTelemetry.Name, KubeMetrics.MeterName)
            .AddOtlpExporter()
            .Build();
        var tracer = Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(Resource)
            .AddSource(OperatorTelemetry.Name)
            .AddOtlpExporter()
            .Build();
        _logger.LogInformation("Exporting metrics and traces over OTLP endpoint={Endpoint}", Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"));
        return new Disposables(meters, tracer);
    }

    private sealed class Disposables(params IDisposable?[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items)
            {
                item?.Dispose();
            }
        }
    }
}
