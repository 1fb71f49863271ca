using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.Kube;
using Spool.Kube.Events;
using Spool.Kube.Informers;
using Spool.Operator.Catalog;

namespace Spool.Operator.Scheduling;

/// <summary>
/// The schedule controller and the catalog/retention controller with the informers they need. A host that already has
/// informers for these types passes them in; otherwise <see cref="Create"/> makes its own.
/// </summary>
public sealed class SchedulingControllers : IAsyncDisposable
{
    private readonly List<IDisposable> _registrations = [];
    private readonly List<IInformer> _ownInformers = [];

    private SchedulingControllers(BackupScheduleController schedules, CatalogController catalog, IReadOnlyList<IInformer> informers)
    {
        Schedules = schedules;
        Catalog = catalog;
        Informers = informers;
    }

    public BackupScheduleController Schedules { get; }

    public CatalogController Catalog { get; }

    public IReadOnlyList<IInformer> Informers { get; }

    /// <summary>Builds both controllers on the given informers (any left null are created here and started by <see cref="RunAsync"/>).</summary>
    public static SchedulingControllers Create(
        IKubernetesClient client,
        string operatorNamespace,
        EventRecorder events,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        Informer<BackupSchedule>? schedules = null,
        Informer<BackupJob>? jobs = null,
        Informer<TapeDrive>? drives = null,
        Informer<RestoreJob>? restores = null,
        Informer<ConfigMap>? catalogs = null)
    {
        var time = timeProvider ?? TimeProvider.System;
        var factory = loggerFactory ?? NullLoggerFactory.Instance;
        var own = new List<IInformer>();
        Informer<T> Own<T>(Informer<T>? given, InformerOptions<T>? options)
            where T : class, Spool.Api.IKubernetesObject
        {
            if (given is not null)
            {
                return given;
            }

            var informer = new Informer<T>(client, options, factory.CreateLogger("Spool.Informer." + typeof(T).Name), time);
            own.Add(informer);
            return informer;
        }

        var s = Own(schedules, null);
        var j = Own(jobs, null);
        var d = Own(drives, null);
        var r = Own(restores, null);
        var c = Own(catalogs, new InformerOptions<ConfigMap> { Namespace = operatorNamespace, LabelSelector = CatalogController.CatalogSelector });
        var scheduleController = new BackupScheduleController(client, s, j, c, events, time, factory.CreateLogger<BackupScheduleController>());
        var catalogController = new CatalogController(client, operatorNamespace, j, s, d, r, c, events, time, factory.CreateLogger<CatalogController>());
        var set = new SchedulingControllers(scheduleController, catalogController, [s, j, d, r, c]);
        set._ownInformers.AddRange(own);
        set._registrations.AddRange(scheduleController.Register());
        set._registrations.AddRange(catalogController.Register());
        return set;
    }

    /// <summary>Starts the informers this set owns, waits for every informer to sync, then runs both controllers until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        foreach (var informer in _ownInformers)
        {
            _ = informer.Start(cancellationToken);
        }

        foreach (var informer in Informers)
        {
            await informer.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
        }

        await Task.WhenAll(Schedules.RunAsync(cancellationToken), Catalog.RunAsync(cancellationToken)).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        foreach (var informer in _ownInformers)
        {
            await informer.DisposeAsync().ConfigureAwait(false);
        }
    }
}
