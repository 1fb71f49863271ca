using System.Diagnostics.Metrics;

namespace Spool.Kube;

/// <summary>The instruments of the access layer, on the <c>Spool.Kube</c> meter that the operator exports.</summary>
public static class KubeMetrics
{
    public const string MeterName = "Spool.Kube";

    public static Meter Meter { get; } = new(MeterName, "0.1");

    /// <summary>Every HTTP attempt against the API server, tagged with verb and status code.</summary>
    public static Counter<long> Requests { get; } = Meter.CreateCounter<long>("spool.kube.requests", "{request}", "API server requests, retries included");

    public static Counter<long> Retries { get; } = Meter.CreateCounter<long>("spool.kube.request.retries", "{retry}", "API server requests retried");

    public static Histogram<double> ReconcileDuration { get; } =
        Meter.CreateHistogram<double>("spool.kube.reconcile.duration", "s", "Duration of one reconcile");

    public static Counter<long> Reconciles { get; } = Meter.CreateCounter<long>("spool.kube.reconciles", "{reconcile}", "Reconciles by result");

    public static Counter<long> ReconcileErrors { get; } = Meter.CreateCounter<long>("spool.kube.reconcile.errors", "{error}", "Reconciles that threw");

    public static Counter<long> WatchEvents { get; } = Meter.CreateCounter<long>("spool.kube.watch.events", "{event}", "Watch events received by informers");

    public static Counter<long> Relists { get; } = Meter.CreateCounter<long>("spool.kube.informer.relists", "{list}", "Informer LISTs");
}
