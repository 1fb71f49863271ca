using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Spool.Api;
using Spool.Api.Core;
using Spool.Api.V1Alpha1;
using Spool.Kube;
using Spool.Kube.Controllers;
using Spool.Kube.Events;
using Spool.Operator.Decisions;
using Spool.Operator.Telemetry;

namespace Spool.Operator.Controllers;

/// <summary>
/// Applies a decision's actions in order, each write with the resourceVersion the decision saw as precondition. The
/// writes of one decision to one object chain: the second write expects the version the first produced. The first
/// failure ends the decision: a conflict (another writer won) re-queues the key with the rate limiter's backoff.
/// </summary>
public sealed class ActionApplier
{
    private readonly IKubernetesClient _client;
    private readonly ClusterCache _cache;
    private readonly EventRecorder _events;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private long _statusWrites;
    private long _writes;

    public ActionApplier(IKubernetesClient client, ClusterCache cache, EventRecorder events, ILogger logger, TimeProvider time)
    {
        _client = client;
        _cache = cache;
        _events = events;
        _logger = logger;
        _time = time;
    }

    /// <summary>Job status writes so far (placement, conditions, failover, completion).</summary>
    public long JobStatusWrites => Interlocked.Read(ref _statusWrites);

    /// <summary>All writes so far: statuses, metadata, drives, pods, claims (events not counted).</summary>
    public long Writes => Interlocked.Read(ref _writes);

    public async Task<ReconcileResult> ApplyAsync(IReadOnlyList<OperatorAction> actions, CancellationToken cancellationToken)
    {
        var chain = new Dictionary<string, (string? From, string? To)>(StringComparer.Ordinal);
        TimeSpan? requeue = null;
        var now = _time.GetUtcNow();
        try
        {
            for (var i = 0; i < actions.Count; i++)
            {
                var action = actions[i];
                switch (action)
                {
                    case AddFinalizer or RemoveFinalizer or SetNodeLabel:
                        var group = new List<OperatorAction> { action };
                        var job = JobOf(action);
                        while (i + 1 < actions.Count && ActionEffects.IsMetadata(actions[i + 1]) && JobOf(actions[i + 1]) == job)
                        {
                            group.Add(actions[++i]);
                        }

                        await ApplyMetadataAsync(job, group, chain, cancellationToken);
                        break;
                    case UpdateBackupJobStatus update:
                        await UpdateBackupStatusAsync(update, chain, cancellationToken);
                        break;
                    case UpdateRestoreJobStatus update:
                        await UpdateRestoreStatusAsync(update, chain, cancellationToken);
                        break;
                    case ClaimDrive claim:
                        await WriteDriveAsync(claim.Drive, claim.ExpectedResourceVersion, chain, d => ActionEffects.Claim(d, claim, now), cancellationToken);
                        _logger.LogInformation("Claimed drive drive={Drive} job={Job} epoch={Epoch} node={Node} member={Member}", claim.Drive, claim.Holder.Job, claim.Holder.Epoch, claim.Holder.Node, claim.Holder.Member);
                        break;
                    case ReleaseDrive release:
                        await WriteDriveAsync(release.Drive, release.ExpectedResourceVersion, chain, d => ActionEffects.Release(d, release, now), cancellationToken);
                        _logger.LogInformation("Released drive drive={Drive} job={Job} bytesWritten={Bytes}", release.Drive, release.Job.Key, release.BytesWritten);
                        break;
                    case MarkDriveFailed failed:
                        await WriteDriveAsync(failed.Drive, failed.ExpectedResourceVersion, chain, d => ActionEffects.MarkFailed(d, failed, now), cancellationToken);
                        _logger.LogWarning("Marked drive failed drive={Drive} reason={Reason} message={Message}", failed.Drive, failed.Reason, failed.Message);
                        break;
                    case RecordDriveOperation operation:
                        await WriteDriveAsync(operation.Drive, operation.ExpectedResourceVersion, chain, d => ActionEffects.RecordOperation(d, operation, now), cancellationToken);
                        break;
                    case UpdateDriveStatus drive:
                        await WriteDriveAsync(drive.Drive, drive.ExpectedResourceVersion, chain, d => d with { Status = drive.Status }, cancellationToken);
                        break;
                    case CreateMounterPod create:
                        await CreateIgnoringExistingAsync(create.Pod, cancellationToken);
                        _logger.LogInformation("Started mounter pod pod={Pod} node={Node} job={Job}", $"{create.Pod.Metadata.Namespace}/{create.Pod.Metadata.Name}", create.Pod.Spec.NodeName, create.Job.Key);
                        break;
                    case DeleteMounterPod delete:
                        await _client.DeleteAsync<Pod>(delete.Name, delete.Namespace, cancellationToken: cancellationToken);
                        Count("Pod", "delete");
                        break;
                    case Scheduling.CreateBackupJob child:
                        await CreateIgnoringExistingAsync(child.Job, cancellationToken);
                        _logger.LogInformation("Created child job job={Job} parent={Parent}", $"{child.Job.Metadata.Namespace}/{child.Job.Metadata.Name}", child.Job.Metadata.Annotations?.GetValueOrDefault(FederatedBackupDecider.ParentAnnotation) ?? "");
                        break;
                    case CreateRestoreJob child:
                        await CreateIgnoringExistingAsync(child.Job, cancellationToken);
                        _logger.LogInformation("Created child restore job={Job} parent={Parent}", $"{child.Job.Metadata.Namespace}/{child.Job.Metadata.Name}", child.Job.Metadata.Annotations?.GetValueOrDefault(FederatedBackupDecider.ParentAnnotation) ?? "");
                        break;
                    case DeleteRestoreJob delete:
                        var deleted = await _client.DeleteAsync<RestoreJob>(delete.Name, delete.Namespace, new DeleteOptions { PropagationPolicy = "Background", PreconditionUid = delete.Uid }, cancellationToken);
                        Count(RestoreJob.KindValue, "delete");
                        _logger.LogWarning("Stopped child restore job={Job} reason={Reason} existed={Existed}", $"{delete.Namespace}/{delete.Name}", delete.Reason, deleted);
                        break;
                    case CreateClaim claim:
                        await CreateIgnoringExistingAsync(claim.Claim, cancellationToken);
                        break;
                    case CreateSnapshotClone clone:
                        await CreateIgnoringExistingAsync(clone.Claim, cancellationToken);
                        _logger.LogInformation("Created snapshot clone claim={Claim} snapshot={Snapshot} job={Job}", $"{clone.Claim.Metadata.Namespace}/{clone.Claim.Metadata.Name}", clone.Claim.Spec.DataSource?.Name, clone.Job.Key);
                        break;
                    case CreateSnapshotHelper helper:
                        await CreateIgnoringExistingAsync(helper.Pod, cancellationToken);
                        _logger.LogInformation("Started snapshot helper pod pod={Pod} node={Node} job={Job}", $"{helper.Pod.Metadata.Namespace}/{helper.Pod.Metadata.Name}", helper.Pod.Spec.NodeName, helper.Job.Key);
                        break;
                    case DeleteSnapshotObject delete:
                        await DeleteSnapshotObjectAsync(delete, cancellationToken);
                        break;
                    case RecordEvent recorded:
                        OperatorTelemetry.Events.Add(1, new KeyValuePair<string, object?>("reason", recorded.Reason));
                        await _events.RecordAsync(recorded.Regarding, recorded.Type, recorded.Reason, recorded.Message, cancellationToken);
                        break;
                    case RecordFailover failover:
                        OperatorTelemetry.Failovers.Add(1, new KeyValuePair<string, object?>("kind", failover.Job.Kind), new KeyValuePair<string, object?>("reason", failover.Reason));
                        if (failover.BytesResent > 0)
                        {
                            OperatorTelemetry.BytesResent.Add(failover.BytesResent, new KeyValuePair<string, object?>("kind", failover.Job.Kind));
                        }

                        Activity.Current?.AddEvent(new ActivityEvent("failover", tags: new ActivityTagsCollection { ["reason"] = failover.Reason, ["from"] = failover.FromNode, ["to"] = failover.ToNode }));
                        _logger.LogWarning("Failed over job={Job} kind={Kind} reason={Reason} fromNode={From} toNode={To} fromEpoch={Epoch} bytesResent={Resent}", failover.Job.Key, failover.Job.Kind, failover.Reason, failover.FromNode, failover.ToNode ?? "", failover.FromEpoch, failover.BytesResent);
                        break;
                    case RequeueAfter after:
                        requeue = requeue is { } r && r < after.Delay ? r : after.Delay;
                        break;
                    default:
                        throw new InvalidOperationException($"no handler for action {action.GetType().Name}");
                }
            }
        }
        catch (KubernetesConflictException e)
        {
            OperatorTelemetry.Conflicts.Add(1);
            _logger.LogDebug("Write conflicted, requeueing message={Message}", e.Message);
            return ReconcileResult.RequeueRateLimited;
        }

        return requeue is { } delay ? ReconcileResult.After(delay) : ReconcileResult.Done;
    }

    private static JobRef JobOf(OperatorAction action) => action switch
    {
        AddFinalizer a => a.Job,
        RemoveFinalizer r => r.Job,
        SetNodeLabel l => l.Job,
        _ => throw new ArgumentException("not a metadata action", nameof(action)),
    };

    private static string? ExpectedOf(OperatorAction action) => action switch
    {
        AddFinalizer a => a.ExpectedResourceVersion,
        RemoveFinalizer r => r.ExpectedResourceVersion,
        SetNodeLabel l => l.ExpectedResourceVersion,
        _ => null,
    };

    private static string? Resolve(Dictionary<string, (string? From, string? To)> chain, string key, string? expected) =>
        chain.TryGetValue(key, out var link) && link.From == expected ? link.To : expected;

    private static void Link(Dictionary<string, (string? From, string? To)> chain, string key, string? expected, string? written)
    {
        var from = chain.TryGetValue(key, out var link) && link.To == expected ? link.From : expected;
        chain[key] = (from, written);
    }

    private void Count(string kind, string what)
    {
        Interlocked.Increment(ref _writes);
        OperatorTelemetry.Writes.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("what", what));
    }

    private async Task ApplyMetadataAsync(JobRef job, List<OperatorAction> group, Dictionary<string, (string? From, string? To)> chain, CancellationToken cancellationToken)
    {
        var chainKey = job.Kind + "/" + job.Key;
        var expected = Resolve(chain, chainKey, ExpectedOf(group[0]));
        if (job.Kind == RestoreJob.KindValue)
        {
            var current = _cache.GetRestoreJob(job.Key) ?? throw NotFound(job);
            var metadata = group.Aggregate(current.Metadata, ActionEffects.Apply) with { ResourceVersion = expected };
            var written = await _client.UpdateAsync(current with { Metadata = metadata }, cancellationToken);
            _cache.RestoreOverlay.Remember(job.Key, written);
            Link(chain, chainKey, ExpectedOf(group[0]), written.Metadata.ResourceVersion);
        }
        else
        {
            var current = _cache.GetBackupJob(job.Key) ?? throw NotFound(job);
            var metadata = group.Aggregate(current.Metadata, ActionEffects.Apply) with { ResourceVersion = expected };
            var written = await _client.UpdateAsync(current with { Metadata = metadata }, cancellationToken);
            _cache.BackupOverlay.Remember(job.Key, written);
            Link(chain, chainKey, ExpectedOf(group[0]), written.Metadata.ResourceVersion);
        }

        Count(job.Kind, "metadata");
        _logger.LogInformation("Updated job metadata job={Job} kind={Kind} changes={Changes}", job.Key, job.Kind, string.Join(",", group.Select(Describe)));
    }

    private static string Describe(OperatorAction action) => action switch
    {
        AddFinalizer => "addFinalizer",
        RemoveFinalizer => "removeFinalizer",
        SetNodeLabel { Node: null } => "removeNodeLabel",
        SetNodeLabel l => "nodeLabel=" + l.Node,
        _ => action.GetType().Name,
    };

    private async Task UpdateBackupStatusAsync(UpdateBackupJobStatus update, Dictionary<string, (string? From, string? To)> chain, CancellationToken cancellationToken)
    {
        var chainKey = update.Job.Kind + "/" + update.Job.Key;
        var current = _cache.GetBackupJob(update.Job.Key) ?? throw NotFound(update.Job);
        var expected = Resolve(chain, chainKey, update.ExpectedResourceVersion);
        var written = await _client.UpdateStatusAsync(current with { Status = update.Status, Metadata = current.Metadata with { ResourceVersion = expected } }, cancellationToken);
        _cache.BackupOverlay.Remember(update.Job.Key, written);
        Link(chain, chainKey, update.ExpectedResourceVersion, written.Metadata.ResourceVersion);
        Interlocked.Increment(ref _statusWrites);
        Count(update.Job.Kind, "status");
        Observe(update.Job, current.Status?.Phase?.ToString(), update.Status.Phase?.ToString(), current.Metadata.CreationTimestamp, update.Status.Attempts, update.Status.Epoch, update.Status.Node);
    }

    private async Task UpdateRestoreStatusAsync(UpdateRestoreJobStatus update, Dictionary<string, (string? From, string? To)> chain, CancellationToken cancellationToken)
    {
        var chainKey = update.Job.Kind + "/" + update.Job.Key;
        var current = _cache.GetRestoreJob(update.Job.Key) ?? throw NotFound(update.Job);
        var expected = Resolve(chain, chainKey, update.ExpectedResourceVersion);
        var written = await _client.UpdateStatusAsync(current with { Status = update.Status, Metadata = current.Metadata with { ResourceVersion = expected } }, cancellationToken);
        _cache.RestoreOverlay.Remember(update.Job.Key, written);
        Link(chain, chainKey, update.ExpectedResourceVersion, written.Metadata.ResourceVersion);
        Interlocked.Increment(ref _statusWrites);
        Count(update.Job.Kind, "status");
        Observe(update.Job, current.Status?.Phase?.ToString(), update.Status.Phase?.ToString(), current.Metadata.CreationTimestamp, update.Status.Attempts, update.Status.Epoch, update.Status.Node);
    }

    /// <summary>Logs phase transitions and records how long the job waited to run.</summary>
    private void Observe(JobRef job, string? before, string? after, DateTimeOffset? created, IReadOnlyList<Attempt>? attempts, long epoch, string? node)
    {
        if (before == after)
        {
            return;
        }

        _logger.LogInformation("Job phase changed job={Job} kind={Kind} from={From} to={To} epoch={Epoch} node={Node}", job.Key, job.Kind, before ?? "", after ?? "", epoch, node ?? "");
        if (after == "Running")
        {
            var previousEnd = attempts is { Count: > 1 } list ? list[^2].EndTime : null;
            var since = previousEnd ?? created;
            if (since is { } t)
            {
                OperatorTelemetry.QueueWait.Record(Math.Max(0, (_time.GetUtcNow() - t).TotalSeconds), new KeyValuePair<string, object?>("kind", job.Kind));
            }
        }
    }

    private async Task WriteDriveAsync(string name, string? expectedVersion, Dictionary<string, (string? From, string? To)> chain, Func<TapeDrive, TapeDrive?> change, CancellationToken cancellationToken)
    {
        var chainKey = TapeDrive.KindValue + "/" + name;
        var current = _cache.GetDrive(name) ?? throw new KubernetesNotFoundException(new ApiStatus { Code = 404, Reason = "NotFound", Message = $"TapeDrive {name} not found" });
        var expected = Resolve(chain, chainKey, expectedVersion);
        if (current.Metadata.ResourceVersion != expected)
        {
            // The cache already moved past what the decision saw: the server would refuse the write, so skip the round trip.
            throw new KubernetesConflictException(new ApiStatus { Code = 409, Reason = "Conflict", Message = $"TapeDrive {name} changed since the decision (cached {current.Metadata.ResourceVersion}, expected {expected})" });
        }

        var next = change(current);
        if (next is null)
        {
            return;
        }

        var written = await _client.UpdateStatusAsync(next with { Metadata = next.Metadata with { ResourceVersion = expected } }, cancellationToken);
        _cache.DriveOverlay.Remember(name, written);
        Link(chain, chainKey, expectedVersion, written.Metadata.ResourceVersion);
        Count(TapeDrive.KindValue, "status");
    }

    private async Task CreateIgnoringExistingAsync<T>(T entity, CancellationToken cancellationToken)
        where T : class, IKubernetesObject
    {
        try
        {
            await _client.CreateAsync(entity, cancellationToken);
            Count(entity.Kind ?? typeof(T).Name, "create");
        }
        catch (KubernetesAlreadyExistsException)
        {
        }
    }

    private async Task DeleteSnapshotObjectAsync(DeleteSnapshotObject delete, CancellationToken cancellationToken)
    {
        // Gone already is as good as deleted.
        var (deleted, kind) = delete.Kind switch
        {
            SnapshotObjectKind.HelperPod => (await _client.DeleteAsync<Pod>(delete.Name, delete.Namespace, cancellationToken: cancellationToken), Pod.KindValue),
            SnapshotObjectKind.CloneClaim => (await _client.DeleteAsync<PersistentVolumeClaim>(delete.Name, delete.Namespace, cancellationToken: cancellationToken), PersistentVolumeClaim.KindValue),
            _ => (await _client.DeleteAsync<VolumeSnapshot>(delete.Name, delete.Namespace, cancellationToken: cancellationToken), VolumeSnapshot.KindValue),
        };
        if (deleted)
        {
            Count(kind, "delete");
            _logger.LogInformation("Deleted snapshot object kind={Kind} name={Name} job={Job}", kind, $"{delete.Namespace}/{delete.Name}", delete.Job.Key);
        }
    }

    private static KubernetesNotFoundException NotFound(JobRef job) =>
        new(new ApiStatus { Code = 404, Reason = "NotFound", Message = $"{job.Kind} {job.Key} is gone from the cache" });
}
