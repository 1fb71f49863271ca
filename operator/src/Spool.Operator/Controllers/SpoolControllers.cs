using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
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
using Spool.Operator.Scheduling;
using Spool.Operator.Telemetry;

namespace Spool.Operator.Controllers;

/// <summary>
/// The BackupJob, RestoreJob and TapeDrive controllers: informers feed three rate-limited queues, workers run the
/// pure deciders on the cached state and apply their actions. Events on pods, claims, volumes, attachments, nodes and
/// agent Leases map to the keys of the jobs they concern; a Lease that simply expires changes nothing, so Running jobs
/// are re-queued for the moment their node's Lease would expire.
/// </summary>
public sealed class SpoolControllers : IAsyncDisposable
{
    private static readonly TimeSpan SecretTtl = TimeSpan.FromSeconds(10);

    private readonly IKubernetesClient _client;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SharedInformerFactory _factory;
    private readonly RateLimitingQueue<string> _backupQueue;
    private readonly RateLimitingQueue<string> _restoreQueue;
    private readonly RateLimitingQueue<string> _driveQueue;
    private readonly ConcurrentDictionary<string, (long Stamp, Secret? Secret)> _secrets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _runTurns = new(StringComparer.Ordinal);
    private readonly List<IDisposable> _handlers = [];
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _workers;

    public SpoolControllers(IKubernetesClient client, OperatorSettings settings, ILoggerFactory loggers, TimeProvider time, int workers = 4, string instance = "spool-operator")
    {
        _client = client;
        _loggers = loggers;
        _logger = loggers.CreateLogger("Spool.Operator.Controllers");
        _time = time;
        _workers = workers;
        _factory = new SharedInformerFactory(client, loggers, time);
        Cache = new ClusterCache(_factory, settings, time);
        Events = new EventRecorder(client, "spool-operator", instance, loggers.CreateLogger("Spool.Operator.Events"), time);
        Applier = new ActionApplier(client, Cache, Events, loggers.CreateLogger("Spool.Operator.Actions"), time);
        _backupQueue = new RateLimitingQueue<string>(RateLimiters.DefaultController<string>(time), time);
        _restoreQueue = new RateLimitingQueue<string>(RateLimiters.DefaultController<string>(time), time);
        _driveQueue = new RateLimitingQueue<string>(RateLimiters.DefaultController<string>(time), time);
        OperatorTelemetry.Observe(ObserveJobs, ObserveBytes);
    }

    public ClusterCache Cache { get; }

    public ActionApplier Applier { get; }

    public EventRecorder Events { get; }

    /// <summary>True once every informer has listed.</summary>
    public bool Synced => _synced.Task.IsCompletedSuccessfully;

    private long _reconciles;

    public long Reconciles => Interlocked.Read(ref _reconciles);

    /// <summary>Starts the informers, waits for them to list, then runs the workers until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var activity = OperatorTelemetry.Source.StartActivity("controllers");
        RegisterHandlers();

        // Schedules, the catalog and retention share this process's informers.
        var catalogNamespace = Cache.Settings.OperatorNamespace ?? Cache.Settings.AgentNamespace;
        await using var scheduling = SchedulingControllers.Create(
            _client,
            catalogNamespace,
            Events,
            _time,
            _loggers,
            schedules: _factory.GetInformer<BackupSchedule>(),
            jobs: Cache.BackupJobs,
            drives: Cache.Drives,
            restores: Cache.RestoreJobs,
            catalogs: _factory.GetInformer(new InformerOptions<ConfigMap> { Namespace = catalogNamespace, LabelSelector = CatalogController.CatalogSelector }));
        _factory.Start(cancellationToken);
        _logger.LogInformation("Waiting for informers to sync");
        await _factory.WaitForCacheSyncAsync(cancellationToken);
        _synced.TrySetResult();
        _logger.LogInformation("Informers synced backupJobs={Backups} restoreJobs={Restores} drives={Drives} nodes={Nodes} pods={Pods}",
            Cache.BackupJobs.Store.Count, Cache.RestoreJobs.Store.Count, Cache.Drives.Store.Count, Cache.Nodes.Store.Count, Cache.Pods.Store.Count);
        var runners = new[]
        {
            new ControllerRunner<string>("backupjob", _backupQueue, ReconcileBackupAsync, _workers, _loggers.CreateLogger("Spool.Operator.BackupJob"), _time),
            new ControllerRunner<string>("restorejob", _restoreQueue, ReconcileRestoreAsync, Math.Max(1, _workers / 2), _loggers.CreateLogger("Spool.Operator.RestoreJob"), _time),
            new ControllerRunner<string>("tapedrive", _driveQueue, ReconcileDriveAsync, Math.Max(1, _workers / 2), _loggers.CreateLogger("Spool.Operator.TapeDrive"), _time),
        };
        await Task.WhenAll(runners.Select(r => r.RunAsync(cancellationToken)).Append(scheduling.RunAsync(cancellationToken)));
    }

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => _synced.Task.WaitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var handler in _handlers)
        {
            handler.Dispose();
        }

        _backupQueue.ShutDown();
        _restoreQueue.ShutDown();
        _driveQueue.ShutDown();
        await _factory.DisposeAsync();
        _backupQueue.Dispose();
        _restoreQueue.Dispose();
        _driveQueue.Dispose();
    }

    // ---- reconcilers ------------------------------------------------------------------------------------

    private async Task<ReconcileResult> ReconcileBackupAsync(string key, CancellationToken cancellationToken)
    {
        using var activity = OperatorTelemetry.Source.StartActivity("reconcile BackupJob");
        activity?.SetTag("job", key);
        Interlocked.Increment(ref _reconciles);
        var job = Cache.GetBackupJob(key);
        if (job is null)
        {
            return ReconcileResult.Done;
        }

        Secret? secret = null;
        if (job.Spec.Destination.Encryption is { } encryption && job.Status?.Phase is not (BackupPhase.Succeeded or BackupPhase.Failed or BackupPhase.PartiallySucceeded))
        {
            secret = await SecretAsync(job.Metadata.Namespace ?? "default", encryption.SecretRef.Name, cancellationToken);
        }

        // The jobs of one federated run are placed one at a time, so that each counts the streams the others just
        // started against maxConcurrentPerNode; a stand-alone job is its own run and needs no turn.
        var run = JobRuns.ParentName(job) is null ? null : _runTurns.GetOrAdd(JobRuns.KeyOf(job), _ => new SemaphoreSlim(1, 1));
        if (run is not null)
        {
            await run.WaitAsync(cancellationToken);
        }

        try
        {
            var current = Cache.GetBackupJob(key) ?? job;
            var actions = current.Spec.Source.Selector is not null
                ? FederatedBackupDecider.Decide(Cache.ObserveFederated(current, secret))
                : BackupJobDecider.Decide(Cache.ObserveBackup(current, secret));
            activity?.SetTag("phase", job.Status?.Phase?.ToString());
            activity?.SetTag("actions", actions.Count);
            return await Applier.ApplyAsync(actions, cancellationToken);
        }
        finally
        {
            run?.Release();
        }
    }

    private async Task<ReconcileResult> ReconcileRestoreAsync(string key, CancellationToken cancellationToken)
    {
        using var activity = OperatorTelemetry.Source.StartActivity("reconcile RestoreJob");
        activity?.SetTag("job", key);
        Interlocked.Increment(ref _reconciles);
        var job = Cache.GetRestoreJob(key);
        if (job is null)
        {
            return ReconcileResult.Done;
        }

        var named = Cache.NamedBackup(job);
        var actions = FederatedRestoreDecider.IsFederated(job, named)
            ? FederatedRestoreDecider.Decide(Cache.ObserveFederatedRestore(job, named))
            : RestoreJobDecider.Decide(Cache.ObserveRestore(job));
        return await Applier.ApplyAsync(actions, cancellationToken);
    }

    private async Task<ReconcileResult> ReconcileDriveAsync(string key, CancellationToken cancellationToken)
    {
        using var activity = OperatorTelemetry.Source.StartActivity("reconcile TapeDrive");
        activity?.SetTag("drive", key);
        Interlocked.Increment(ref _reconciles);
        var drive = Cache.GetDrive(key);
        if (drive is null)
        {
            return ReconcileResult.Done;
        }

        return await Applier.ApplyAsync(TapeDriveDecider.Decide(Cache.ObserveDrive(drive)), cancellationToken);
    }

    /// <summary>The encryption Secret, read with a GET (no cluster-wide Secret watch) and kept for a few seconds.</summary>
    private async Task<Secret?> SecretAsync(string ns, string name, CancellationToken cancellationToken)
    {
        var key = ns + "/" + name;
        var now = _time.GetTimestamp();
        if (_secrets.TryGetValue(key, out var cached) && _time.GetElapsedTime(cached.Stamp, now) < SecretTtl)
        {
            return cached.Secret;
        }

        var secret = await _client.GetAsync<Secret>(name, ns, cancellationToken);
        _secrets[key] = (now, secret);
        return secret;
    }

    // ---- event mapping ----------------------------------------------------------------------------------

    private void RegisterHandlers()
    {
        _handlers.Add(Cache.BackupJobs.AddHandler(new ResourceEventHandler<BackupJob>
        {
            OnAdd = j =>
            {
                _backupQueue.Add(ObjectKey.Of(j));
                EnqueueParent(j);
            },
            OnUpdate = (old, now) =>
            {
                _backupQueue.Add(ObjectKey.Of(now));
                EnqueueParent(now);
                JobChanged(old.Status?.Phase == BackupPhase.Running ? old.Status.Node : null, now.Status?.Phase == BackupPhase.Running, now.Metadata.Namespace + "/" + now.Metadata.Name, IsFinished(now.Status?.Phase) || now.Metadata.DeletionTimestamp is not null);
            },
            OnDelete = j =>
            {
                _backupQueue.Add(ObjectKey.Of(j));
                EnqueueParent(j);
                JobChanged(j.Status?.Phase == BackupPhase.Running ? j.Status.Node : null, false, ObjectKey.Of(j), true);
            },
            OnDeleteFinalStateUnknown = t => _backupQueue.Add(t.Key),
        }));
        _handlers.Add(Cache.RestoreJobs.AddHandler(new ResourceEventHandler<RestoreJob>
        {
            OnAdd = j =>
            {
                _restoreQueue.Add(ObjectKey.Of(j));
                EnqueueRestoreParent(j);
            },
            OnUpdate = (old, now) =>
            {
                _restoreQueue.Add(ObjectKey.Of(now));
                EnqueueRestoreParent(now);
                JobChanged(old.Status?.Phase == RestorePhase.Running ? old.Status.Node : null, now.Status?.Phase == RestorePhase.Running, ObjectKey.Of(now), now.Status?.Phase is RestorePhase.Succeeded or RestorePhase.Failed or RestorePhase.PartiallySucceeded || now.Metadata.DeletionTimestamp is not null);
            },
            OnDelete = j =>
            {
                _restoreQueue.Add(ObjectKey.Of(j));
                EnqueueRestoreParent(j);
                JobChanged(j.Status?.Phase == RestorePhase.Running ? j.Status.Node : null, false, ObjectKey.Of(j), true);
            },
            OnDeleteFinalStateUnknown = t => _restoreQueue.Add(t.Key),
        }));
        _handlers.Add(Cache.Drives.AddHandler(new ResourceEventHandler<TapeDrive>
        {
            OnAdd = d =>
            {
                _driveQueue.Add(ObjectKey.Of(d));
                WakeQueued(d);
            },
            OnUpdate = (old, now) =>
            {
                _driveQueue.Add(ObjectKey.Of(now));
                EnqueueHolder(old.Status?.Holder);
                EnqueueHolder(now.Status?.Holder);
                var wasFree = old.Status?.Holder is null && DriveArbiter.IsUsable(old);
                var isFree = now.Status?.Holder is null && DriveArbiter.IsUsable(now);
                if (isFree && (!wasFree || !StatusJson.Same(old.Spec, now.Spec)))
                {
                    WakeQueued(now);
                }
            },
            OnDelete = d =>
            {
                _driveQueue.Add(ObjectKey.Of(d));
                EnqueueHolder(d.Status?.Holder);
            },
            OnDeleteFinalStateUnknown = t => _driveQueue.Add(t.Key),
        }));
        _handlers.Add(Cache.Pods.AddHandler(new ResourceEventHandler<Pod>
        {
            OnAdd = p =>
            {
                EnqueueClaims(ClusterCache.ClaimsOf(p));
                EnqueueReplicaJobs(p.Metadata.Namespace);
                EnqueueSnapshotJob(p.Metadata, SnapshotClones.CloneLabel);
            },
            OnUpdate = (old, now) =>
            {
                var placement = old.Status?.Phase != now.Status?.Phase || old.Spec.NodeName != now.Spec.NodeName || (old.Metadata.DeletionTimestamp is null) != (now.Metadata.DeletionTimestamp is null);
                if (placement)
                {
                    EnqueueClaims(ClusterCache.ClaimsOf(now).Concat(ClusterCache.ClaimsOf(old)));
                    EnqueueSnapshotJob(now.Metadata, SnapshotClones.CloneLabel);
                }

                // Roles, lag annotations and health conditions decide which replica a replica-aware job reads.
                if (Cache.HasReplicaJobs(now.Metadata.Namespace)
                    && (placement || !StatusJson.Same(old.Metadata.Labels, now.Metadata.Labels) || !StatusJson.Same(old.Metadata.Annotations, now.Metadata.Annotations)
                        || !StatusJson.Same(old.Status?.Conditions, now.Status?.Conditions)))
                {
                    EnqueueReplicaJobs(now.Metadata.Namespace);
                }
            },
            OnDelete = p =>
            {
                EnqueueClaims(ClusterCache.ClaimsOf(p));
                EnqueueReplicaJobs(p.Metadata.Namespace);
                EnqueueSnapshotJob(p.Metadata, SnapshotClones.CloneLabel);
            },
        }));
        _handlers.Add(Cache.Claims.AddHandler(new ResourceEventHandler<PersistentVolumeClaim>
        {
            OnAdd = c =>
            {
                EnqueueClaims([ObjectKey.Of(c)]);
                EnqueueSnapshotJob(c.Metadata, SnapshotClones.CloneLabel);
            },
            OnUpdate = (old, now) =>
            {
                if (old.Spec.VolumeName != now.Spec.VolumeName || old.Status?.Phase != now.Status?.Phase)
                {
                    EnqueueClaims([ObjectKey.Of(now)]);
                }
            },
            OnDelete = c =>
            {
                EnqueueClaims([ObjectKey.Of(c)]);
                EnqueueSnapshotJob(c.Metadata, SnapshotClones.CloneLabel);
            },
        }));
        if (Cache.VolumeSnapshots is { } snapshots)
        {
            // A snapshot becoming ready is what the clone waits for; one appearing or vanishing may need cleaning up.
            _handlers.Add(snapshots.AddHandler(new ResourceEventHandler<VolumeSnapshot>
            {
                OnAdd = v => EnqueueSnapshotJob(v.Metadata, SnapshotClones.SnapshotForLabel),
                OnUpdate = (old, now) =>
                {
                    if (old.Status?.ReadyToUse != now.Status?.ReadyToUse || (old.Metadata.DeletionTimestamp is null) != (now.Metadata.DeletionTimestamp is null))
                    {
                        EnqueueSnapshotJob(now.Metadata, SnapshotClones.SnapshotForLabel);
                    }
                },
                OnDelete = v => EnqueueSnapshotJob(v.Metadata, SnapshotClones.SnapshotForLabel),
            }));
        }

        _handlers.Add(Cache.Volumes.AddHandler(new ResourceEventHandler<PersistentVolume>
        {
            OnAdd = EnqueueVolume,
            OnUpdate = (_, now) => EnqueueVolume(now),
            OnDelete = EnqueueVolume,
        }));
        _handlers.Add(Cache.Attachments.AddHandler(new ResourceEventHandler<VolumeAttachment>
        {
            OnAdd = a => EnqueueVolumeName(a.Spec.Source.PersistentVolumeName),
            OnUpdate = (old, now) =>
            {
                if (old.Status?.Attached != now.Status?.Attached || old.Spec.NodeName != now.Spec.NodeName)
                {
                    EnqueueVolumeName(now.Spec.Source.PersistentVolumeName);
                }
            },
            OnDelete = a => EnqueueVolumeName(a.Spec.Source.PersistentVolumeName),
        }));
        _handlers.Add(Cache.Nodes.AddHandler(new ResourceEventHandler<Node>
        {
            OnAdd = n => EnqueueNode(n.Metadata.Name!),
            OnUpdate = (old, now) =>
            {
                if (NodeHealth.IsReady(old) != NodeHealth.IsReady(now) || !StatusJson.Same(old.Metadata.Labels, now.Metadata.Labels))
                {
                    EnqueueNode(now.Metadata.Name!);
                }
            },
            OnDelete = n => EnqueueNode(n.Metadata.Name!),
        }));
        _handlers.Add(Cache.Leases.AddHandler(new ResourceEventHandler<Lease>
        {
            OnAdd = l =>
            {
                Cache.LeaseSightings.Observe(l, Cache.Settings.DefaultAgentLeaseDuration);
                EnqueueNode(ClusterCache.LeaseNode(l, Cache.Settings));
            },
            OnUpdate = (old, now) =>
            {
                // Renewals of a live lease change nothing for placement; a lease coming back or changing hands does.
                var cameBack = Cache.LeaseSightings.Observe(now, Cache.Settings.DefaultAgentLeaseDuration);
                if (cameBack || old.Spec.HolderIdentity != now.Spec.HolderIdentity)
                {
                    EnqueueNode(ClusterCache.LeaseNode(now, Cache.Settings));
                }
            },
            OnDelete = l =>
            {
                Cache.LeaseSightings.Forget(l);
                EnqueueNode(ClusterCache.LeaseNode(l, Cache.Settings));
            },
        }));
    }

    private static bool IsFinished(BackupPhase? phase) => phase is BackupPhase.Succeeded or BackupPhase.Failed or BackupPhase.PartiallySucceeded;

    /// <summary>A job that left Running frees a stream slot on its node; a finished or deleted one frees its drives.</summary>
    private void JobChanged(string? wasRunningOn, bool isRunning, string key, bool finished)
    {
        if (wasRunningOn is not null && !isRunning)
        {
            var (backups, restores) = Cache.JobsOfNode(wasRunningOn);
            foreach (var b in backups)
            {
                _backupQueue.Add(b);
            }

            foreach (var r in restores)
            {
                _restoreQueue.Add(r);
            }
        }

        if (finished)
        {
            foreach (var drive in Cache.ListDrives().Where(d => d.Status?.Holder?.Job == key))
            {
                _driveQueue.Add(drive.Metadata.Name!);
            }
        }
    }

    private void EnqueueHolder(DriveHolder? holder)
    {
        if (holder is null)
        {
            return;
        }

        if (holder.Kind == RestoreJob.KindValue)
        {
            _restoreQueue.Add(holder.Job);
        }
        else
        {
            _backupQueue.Add(holder.Job);
        }
    }

    private void WakeQueued(TapeDrive drive)
    {
        var (backups, restores) = Cache.QueuedFor(drive, 8);
        foreach (var b in backups)
        {
            _backupQueue.Add(b);
        }

        foreach (var r in restores)
        {
            _restoreQueue.Add(r);
        }
    }

    /// <summary>A child job's change is its federated parent's business.</summary>
    private void EnqueueParent(BackupJob job)
    {
        if (job.Metadata.Annotations?.GetValueOrDefault(FederatedBackupDecider.ParentAnnotation) is { Length: > 0 } parent)
        {
            _backupQueue.Add(parent);
        }
    }

    /// <summary>A child restore's change is its federated restore's business.</summary>
    private void EnqueueRestoreParent(RestoreJob job)
    {
        if (job.Metadata.Annotations?.GetValueOrDefault(FederatedBackupDecider.ParentAnnotation) is { Length: > 0 } parent)
        {
            _restoreQueue.Add(parent);
        }
    }

    private void EnqueueClaims(IEnumerable<string> claims)
    {
        // Federated runs recompute where their volumes live and which volumes their selector matches.
        foreach (var key in Cache.ActiveFederated())
        {
            _backupQueue.Add(key);
        }

        foreach (var claim in claims.Distinct(StringComparer.Ordinal))
        {
            var (backups, restores) = Cache.JobsOfClaim(claim);
            foreach (var b in backups)
            {
                _backupQueue.Add(b);
            }

            foreach (var r in restores)
            {
                _restoreQueue.Add(r);
            }
        }
    }

    private void EnqueueSnapshotJob(ObjectMeta metadata, string label)
    {
        if (metadata.Labels?.GetValueOrDefault(label) is { Length: > 0 } job)
        {
            _backupQueue.Add(ObjectKey.Of(metadata.Namespace, job));
        }
    }

    private void EnqueueReplicaJobs(string? ns)
    {
        foreach (var key in Cache.ReplicaJobsOf(ns ?? "default"))
        {
            _backupQueue.Add(key);
        }
    }

    private void EnqueueVolume(PersistentVolume volume)
    {
        if (volume.Spec.ClaimRef is { Name: { } name } claimRef)
        {
            EnqueueClaims([ObjectKey.Of(claimRef.Namespace, name)]);
        }
    }

    private void EnqueueVolumeName(string? name)
    {
        if (name is not null && Cache.Volumes.Store.Get(name) is { } volume)
        {
            EnqueueVolume(volume);
        }
    }

    private void EnqueueNode(string node)
    {
        if (node.Length == 0)
        {
            return;
        }

        var (backups, restores) = Cache.JobsOfNode(node);
        foreach (var b in backups)
        {
            _backupQueue.Add(b);
        }

        foreach (var r in restores)
        {
            _restoreQueue.Add(r);
        }

        // A node that comes back can take queued jobs; look at the queue heads.
        foreach (var drive in Cache.ListDrives().Where(d => d.Status?.Holder is null && DriveArbiter.IsUsable(d)))
        {
            WakeQueued(drive);
        }
    }

    // ---- metrics ----------------------------------------------------------------------------------------

    private IEnumerable<Measurement<long>> ObserveJobs()
    {
        if (!Synced)
        {
            yield break;
        }

        foreach (var group in Cache.BackupJobs.Store.List().GroupBy(j => j.Status?.Phase?.ToString() ?? "New"))
        {
            yield return new Measurement<long>(group.Count(), new KeyValuePair<string, object?>("kind", BackupJob.KindValue), new KeyValuePair<string, object?>("phase", group.Key));
        }

        foreach (var group in Cache.RestoreJobs.Store.List().GroupBy(j => j.Status?.Phase?.ToString() ?? "New"))
        {
            yield return new Measurement<long>(group.Count(), new KeyValuePair<string, object?>("kind", RestoreJob.KindValue), new KeyValuePair<string, object?>("phase", group.Key));
        }
    }

    private IEnumerable<Measurement<long>> ObserveBytes()
    {
        if (!Synced)
        {
            yield break;
        }

        long Bytes(IReadOnlyList<Attempt>? attempts, JobProgress? progress, long epoch) =>
            (attempts ?? []).Where(a => a.EndTime is not null).Sum(a => Math.Max(0, a.BytesDone - a.BytesResent))
            + (progress is { } p && p.Epoch == epoch && attempts?.LastOrDefault()?.EndTime is null ? p.BytesDone : 0);

        // A federated parent's progress sums its children's, which count themselves.
        yield return new Measurement<long>(Cache.BackupJobs.Store.List().Where(j => j.Spec.Source.Selector is null).Sum(j => Bytes(j.Status?.Attempts, j.Status?.Progress, j.Status?.Epoch ?? 0)), new KeyValuePair<string, object?>("kind", BackupJob.KindValue));
        // A federated restore's progress sums its children's, likewise.
        yield return new Measurement<long>(Cache.RestoreJobs.Store.List().Where(j => j.Status?.Workloads is null).Sum(j => Bytes(j.Status?.Attempts, j.Status?.Progress, j.Status?.Epoch ?? 0)), new KeyValuePair<string, object?>("kind", RestoreJob.KindValue));
    }

    public static ActivitySource ActivitySource => OperatorTelemetry.Source;
}
