using Spool.Agent.Host.Fencing;
using Spool.Agent.Host.Logging;
using Spool.Api;
using Spool.Api.V1Alpha1;
using Spool.Kube;

namespace Spool.Agent.Host.Jobs;

/// <summary>
/// Writes the agent's status fields of one (job, epoch) with the resourceVersion it last read as precondition. On a
/// conflict it re-reads the job and its drives and either retries or trips the fence; once fenced it writes nothing.
/// </summary>
public sealed class JobStatusWriter<TJob>
    where TJob : class, IKubernetesObject
{
    private readonly IKubernetesClient _client;
    private readonly IJobAdapter<TJob> _adapter;
    private readonly string _node;
    private readonly FenceSignal _fence;
    private readonly TimeProvider _time;
    private readonly TimeSpan _retryDelay;
    private readonly AgentLog _log;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public JobStatusWriter(IKubernetesClient client, IJobAdapter<TJob> adapter, TJob job, string node, FenceSignal fence, TimeProvider time, TimeSpan retryDelay, AgentLog log)
    {
        _client = client;
        _adapter = adapter;
        Current = job;
        _node = node;
        _fence = fence;
        _time = time;
        _retryDelay = retryDelay;
        _log = log;
        Epoch = adapter.Snapshot(job).Epoch;
    }

    public long Epoch { get; }

    /// <summary>The job as last read or written.</summary>
    public TJob Current { get; private set; }

    public int Conflicts { get; private set; }

    public int Writes { get; private set; }

    /// <summary>
    /// Writes, or returns <see cref="WriteOutcome.Fenced"/> without writing. Transient errors are retried until
    /// <paramref name="cancellationToken"/> ends; the fence token is not an input here, so that a HandedBack report
    /// can still be written after the stream itself was cancelled for shutdown.
    /// </summary>
    public async Task<WriteOutcome> WriteAsync(AgentWrite write, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                if (_fence.IsTripped)
                {
                    return WriteOutcome.Fenced;
                }

                var snapshot = _adapter.Snapshot(Current);
                try
                {
                    Current = await _client.UpdateStatusAsync(_adapter.Apply(Current, write), cancellationToken).ConfigureAwait(false);
                    Writes++;
                    return WriteOutcome.Written;
                }
                catch (KubernetesConflictException)
                {
                    Conflicts++;
                    var decision = await RereadAsync(snapshot, cancellationToken).ConfigureAwait(false);
                    if (decision.Fenced)
                    {
                        if (_fence.Trip(decision))
                        {
                            _log.Warning("Fenced", "job", snapshot.Key, "epoch", Epoch, "reason", decision.Reason, "detail", decision.Message, "via", "StatusConflict");
                        }

                        return WriteOutcome.Fenced;
                    }
                }
                catch (KubernetesNotFoundException)
                {
                    var decision = FenceDecision.Fence(FenceReasons.JobDeleted, "the job no longer exists");
                    if (_fence.Trip(decision))
                    {
                        _log.Warning("Fenced", "job", snapshot.Key, "epoch", Epoch, "reason", decision.Reason, "via", "StatusWrite");
                    }

                    return WriteOutcome.Fenced;
                }
                catch (Exception error) when (IsTransient(error) && !cancellationToken.IsCancellationRequested)
                {
                    _log.Error(error, "Status write failed, retrying", "job", snapshot.Key, "epoch", Epoch, "delay", _retryDelay);
                    await Task.Delay(_retryDelay, _time, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Reads the job and its held drives afresh and decides; adopts the fresh object when still ours.</summary>
    private async Task<FenceDecision> RereadAsync(JobSnapshot previous, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                var fresh = await _client.GetAsync<TJob>(previous.Name, previous.Namespace, cancellationToken).ConfigureAwait(false);
                if (fresh is null)
                {
                    return FencingDecider.Decide(Epoch, _node, null, _ => null);
                }

                var snapshot = _adapter.Snapshot(fresh);
                var drives = new Dictionary<string, TapeDrive?>(StringComparer.Ordinal);
                foreach (var held in snapshot.ActiveDrives)
                {
                    drives[held.Name] = await _client.GetAsync<TapeDrive>(held.Name, null, cancellationToken).ConfigureAwait(false);
                }

                var decision = FencingDecider.Decide(Epoch, _node, snapshot, name => drives.GetValueOrDefault(name));
                if (!decision.Fenced)
                {
                    Current = fresh;
                }

                return decision;
            }
            catch (Exception error) when (IsTransient(error) && !cancellationToken.IsCancellationRequested)
            {
                _log.Error(error, "Re-read after conflict failed, retrying", "job", previous.Key, "epoch", Epoch);
                await Task.Delay(_retryDelay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static bool IsTransient(Exception error) => error switch
    {
        KubernetesInvalidException => false,
        KubernetesApiException api => (int)api.StatusCode is 429 or >= 500,
        HttpRequestException or IOException or TimeoutException => true,
        TaskCanceledException => true,
        _ => false,
    };
}
