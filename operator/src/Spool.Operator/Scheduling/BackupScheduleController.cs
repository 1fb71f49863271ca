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
using Spool.Operator.Catalog;
using Spool.Operator.Decisions;

namespace Spool.Operator.Scheduling;

/// <summary>
/// The I/O shell of <see cref="BackupScheduleDecider"/>: keys are schedules (<c>namespace/name</c>); a job labelled
/// spool.dev/schedule or a catalog change requeues its schedule. Creates are idempotent by name, deletes carry the
/// job's uid, and status writes carry the schedule's resourceVersion (a conflict requeues).
/// </summary>
public sealed class BackupScheduleController
{
    private readonly IKubernetesClient _client;
    private readonly Informer<BackupSchedule> _schedules;
    private readonly Informer<BackupJob> _jobs;
    private readonly Informer<ConfigMap> _catalogs;
    private readonly EventRecorder _events;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public BackupScheduleController(
        IKubernetesClient client,
        Informer<BackupSchedule> schedules,
        Informer<BackupJob> jobs,
        Informer<ConfigMap> catalogs,
        EventRecorder events,
        TimeProvider? timeProvider = null,
        ILogger? logger = null,
        int workers = 2)
    {
        _client = client;
        _schedules = schedules;
        _jobs = jobs;
        _catalogs = catalogs;
        _events = events;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        Queue = new RateLimitingQueue<string>(RateLimiters.DefaultController<string>(_time), _time);
        Runner = new ControllerRunner<string>("backupschedule", Queue, ReconcileAsync, workers, _logger, _time);
    }

    public RateLimitingQueue<string> Queue { get; }

    public ControllerRunner<string> Runner { get; }

    /// <summary>Connects the informers to the queue; call once before the informers start.</summary>
    public IReadOnlyList<IDisposable> Register() =>
    [
        _schedules.AddHandler(ResourceEventHandler<BackupSchedule>.ForKeys(Queue.Add, ObjectKey.Of)),
        _jobs.AddHandler(new ResourceEventHandler<BackupJob>
        {
            OnAdd = EnqueueOwner,
            OnUpdate = (_, job) => EnqueueOwner(job),
            OnDelete = EnqueueOwner,
            OnDeleteFinalStateUnknown = gone => EnqueueOwner(gone.Object),
        }),
        _catalogs.AddHandler(ResourceEventHandler<ConfigMap>.ForKeys(_ => EnqueueAll(), ObjectKey.Of)),
    ];

    public Task RunAsync(CancellationToken cancellationToken) => Runner.RunAsync(cancellationToken);

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var (ns, name) = ObjectKey.Split(key);
        var schedule = _schedules.Store.Get(key);
        if (schedule is null || ns is null)
        {
            return ReconcileResult.Done;
        }

        var entries = CatalogQuery.Merge(_catalogs.Store.List().Select(c => CatalogConfigMaps.Read(c.Metadata.Labels?.GetValueOrDefault(BackupScheduleLabels.Drive) ?? c.Metadata.Name ?? "", c)));
        var jobs = _jobs.Store.List()
            .Where(j => j.Metadata.Namespace == ns && j.Metadata.Labels?.GetValueOrDefault(BackupScheduleLabels.Schedule) == name)
            .Where(j => j.Metadata.OwnerReferences?.Any(o => o.Uid == schedule.Metadata.Uid) ?? false)
            .ToList();
        var claim = schedule.Spec.JobTemplate.Spec.Source.PersistentVolumeClaim;
        var observation = new BackupScheduleObservation
        {
            Schedule = schedule,
            Jobs = jobs,
            CatalogedBackupIds = entries.Select(e => e.BackupId).ToHashSet(StringComparer.Ordinal),
            HasCompleteBackup = claim is null
                ? jobs.Any(ScheduledJobs.IsSucceeded)
                : CatalogQuery.LatestBefore(entries, ns, claim, null) is not null,
            Now = _time.GetUtcNow(),
        };

        var result = ReconcileResult.Done;
        foreach (var action in BackupScheduleDecider.Decide(observation))
        {
            switch (action)
            {
                case CreateBackupJob create:
                    await CreateAsync(key, create.Job, cancellationToken).ConfigureAwait(false);
                    break;
                case DeleteBackupJob delete:
                    var deleted = await _client.DeleteAsync<BackupJob>(
                        delete.Name,
                        delete.Namespace,
                        new DeleteOptions { PropagationPolicy = "Background", PreconditionUid = delete.Uid },
                        cancellationToken).ConfigureAwait(false);
                    _logger.LogInformation("Deleted scheduled job schedule={Schedule} job={Job} reason={Reason} existed={Existed}", key, delete.Name, delete.Reason, deleted);
                    break;
                case UpdateScheduleStatus update:
                    await _client.UpdateStatusAsync(schedule with
                    {
                        Metadata = schedule.Metadata with { ResourceVersion = update.ExpectedResourceVersion, ManagedFields = null },
                        Status = update.Status,
                    }, cancellationToken).ConfigureAwait(false);
                    break;
                case RecordEvent e:
                    await _events.RecordAsync(e.Regarding, e.Type, e.Reason, e.Message, cancellationToken).ConfigureAwait(false);
                    break;
                case RequeueAfter r:
                    result = ReconcileResult.After(r.Delay);
                    break;
                default:
                    throw new InvalidOperationException($"BackupScheduleController cannot apply {action.GetType().Name}");
            }
        }

        return result;
    }

    private async Task CreateAsync(string schedule, BackupJob job, CancellationToken cancellationToken)
    {
        try
        {
            await _client.CreateAsync(job, cancellationToken).ConfigureAwait(false);
            _logger.LogInformation(
                "Created scheduled job schedule={Schedule} job={Job} mode={Mode} run={Run}",
                schedule,
                job.Metadata.Name,
                job.Spec.Mode,
                job.Metadata.Annotations?.GetValueOrDefault(BackupScheduleLabels.Run));
        }
        catch (KubernetesAlreadyExistsException)
        {
            // The name is the fire time: an earlier attempt created it and its status write was lost.
            _logger.LogInformation("Scheduled job already exists schedule={Schedule} job={Job}", schedule, job.Metadata.Name);
        }
    }

    private void EnqueueOwner(BackupJob? job)
    {
        if (job?.Metadata.Labels?.GetValueOrDefault(BackupScheduleLabels.Schedule) is { Length: > 0 } schedule)
        {
            Queue.Add(ObjectKey.Of(job.Metadata.Namespace, schedule));
        }
    }

    private void EnqueueAll()
    {
        foreach (var key in _schedules.Store.ListKeys())
        {
            Queue.Add(key);
        }
    }
}
