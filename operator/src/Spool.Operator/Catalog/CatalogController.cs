using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.Kube;
using Spool.Kube.Controllers;
using Spool.Kube.Events;
using Spool.Kube.Informers;
using Spool.Kube.Queues;
using Spool.Operator.Decisions;

namespace Spool.Operator.Catalog;

/// <summary>
/// The I/O shell of <see cref="CatalogDecider"/>. The catalog and retention are decided over the whole cluster at once,
/// so there is a single key; any change to a BackupJob, BackupSchedule, TapeDrive, RestoreJob or catalog ConfigMap
/// queues it, and the decider's requeue wakes it when a backup ages out. ConfigMap writes carry the resourceVersion
/// they were decided on; a conflict requeues.
/// </summary>
public sealed class CatalogController
{
    public const string Key = "catalog";

    private readonly IKubernetesClient _client;
    private readonly string _namespace;
    private readonly Informer<BackupJob> _jobs;
    private readonly Informer<BackupSchedule> _schedules;
    private readonly Informer<TapeDrive> _drives;
    private readonly Informer<RestoreJob> _restores;
    private readonly Informer<ConfigMap> _catalogs;
    private readonly EventRecorder _events;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <param name="operatorNamespace">Where the catalog ConfigMaps live; <paramref name="catalogs"/> watches it with the label spool.dev/catalog=true.</param>
    public CatalogController(
        IKubernetesClient client,
        string operatorNamespace,
        Informer<BackupJob> jobs,
        Informer<BackupSchedule> schedules,
        Informer<TapeDrive> drives,
        Informer<RestoreJob> restores,
        Informer<ConfigMap> catalogs,
        EventRecorder events,
        TimeProvider? timeProvider = null,
        ILogger? logger = null)
    {
        _client = client;
        _namespace = operatorNamespace;
        _jobs = jobs;
        _schedules = schedules;
        _drives = drives;
        _restores = restores;
        _catalogs = catalogs;
        _events = events;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        Queue = new RateLimitingQueue<string>(RateLimiters.DefaultController<string>(_time), _time);
        Runner = new ControllerRunner<string>("catalog", Queue, ReconcileAsync, 1, _logger, _time);
    }

    /// <summary>The label selector for the catalog ConfigMap informer.</summary>
    public static string CatalogSelector => $"{BackupScheduleLabels.Catalog}=true";

    public RateLimitingQueue<string> Queue { get; }

    public ControllerRunner<string> Runner { get; }

    public IReadOnlyList<IDisposable> Register() =>
    [
        _jobs.AddHandler(ResourceEventHandler<BackupJob>.ForKeys(_ => Queue.Add(Key), ObjectKey.Of)),
        _schedules.AddHandler(ResourceEventHandler<BackupSchedule>.ForKeys(_ => Queue.Add(Key), ObjectKey.Of)),
        _drives.AddHandler(ResourceEventHandler<TapeDrive>.ForKeys(_ => Queue.Add(Key), ObjectKey.Of)),
        _restores.AddHandler(ResourceEventHandler<RestoreJob>.ForKeys(_ => Queue.Add(Key), ObjectKey.Of)),
        _catalogs.AddHandler(ResourceEventHandler<ConfigMap>.ForKeys(_ => Queue.Add(Key), ObjectKey.Of)),
    ];

    public Task RunAsync(CancellationToken cancellationToken) => Runner.RunAsync(cancellationToken);

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var maps = _catalogs.Store.List().Where(c => c.Metadata.Namespace == _namespace).ToList();
        var catalogs = maps.Select(c => CatalogConfigMaps.Read(c.Metadata.Labels?.GetValueOrDefault(BackupScheduleLabels.Drive) ?? c.Metadata.Name ?? "", c)).ToList();
        var merged = CatalogQuery.Merge(catalogs);
        var pinned = CatalogQuery.Pinned(_restores.Store.List(), _jobs.Store.List(), merged);

        var observation = new CatalogObservation
        {
            Jobs = _jobs.Store.List(),
            Schedules = _schedules.Store.List(),
            Drives = _drives.Store.List(),
            Catalogs = catalogs,
            Pinned = pinned,
            Now = _time.GetUtcNow(),
        };

        var result = ReconcileResult.Done;
        foreach (var action in CatalogDecider.Decide(observation))
        {
            switch (action)
            {
                case WriteCatalog write:
                    await WriteAsync(write.Catalog, maps, cancellationToken).ConfigureAwait(false);
                    break;
                case PatchRetentionStatus patch:
                    var body = KubeJson.Serialize(new { status = new { retention = patch.Retention } });
                    try
                    {
                        await _client.PatchAsync<BackupSchedule>(patch.Name, patch.Namespace, KubePatch.Merge(body), "status", cancellationToken).ConfigureAwait(false);
                    }
                    catch (KubernetesNotFoundException)
                    {
                        // The schedule was deleted since the informer saw it; its backups keep their entries.
                    }

                    break;
                case RecordEvent e:
                    await _events.RecordAsync(e.Regarding, e.Type, e.Reason, e.Message, cancellationToken).ConfigureAwait(false);
                    break;
                case RequeueAfter r:
                    result = ReconcileResult.After(r.Delay);
                    break;
                default:
                    throw new InvalidOperationException($"CatalogController cannot apply {action.GetType().Name}");
            }
        }

        return result;
    }

    private async Task WriteAsync(DriveCatalog catalog, List<ConfigMap> maps, CancellationToken cancellationToken)
    {
        var name = CatalogNames.ConfigMapFor(catalog.Drive);
        var existing = maps.FirstOrDefault(m => m.Metadata.Name == name);
        var map = CatalogConfigMaps.Write(catalog, _namespace, existing);
        if (catalog.ResourceVersion is null)
        {
            await _client.CreateAsync(map with { Metadata = map.Metadata with { ResourceVersion = null, Uid = null, CreationTimestamp = null } }, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _client.UpdateAsync(map with { Metadata = map.Metadata with { ResourceVersion = catalog.ResourceVersion } }, cancellationToken).ConfigureAwait(false);
        }

        _logger.LogInformation(
            "Wrote catalog drive={Drive} configMap={ConfigMap} entries={Entries} medium={Medium}",
            catalog.Drive,
            $"{_namespace}/{name}",
            catalog.Entries.Count,
            catalog.Medium);
    }
}
