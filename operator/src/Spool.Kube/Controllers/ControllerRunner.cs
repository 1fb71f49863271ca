using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Spool.Kube.Queues;

namespace Spool.Kube.Controllers;

/// <summary>
/// Workers pulling keys from a rate-limited queue, as controller-runtime's controller does: an exception requeues
/// rate-limited, <see cref="ReconcileResult.RequeueAfter"/> forgets the failure history and requeues after the delay,
/// <see cref="ReconcileResult.Requeue"/> requeues rate-limited, and success forgets the key. The queue guarantees a key
/// is never reconciled by two workers at once.
/// </summary>
public sealed class ControllerRunner<TKey>
    where TKey : notnull
{
    private readonly Func<TKey, CancellationToken, Task<ReconcileResult>> _reconcile;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly KeyValuePair<string, object?> _controllerTag;
    private long _reconciles;
    private long _errors;

    public ControllerRunner(
        string name,
        IRateLimitingQueue<TKey> queue,
        Func<TKey, CancellationToken, Task<ReconcileResult>> reconcile,
        int workers = 1,
        ILogger? logger = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        Name = name;
        Queue = queue;
        Workers = workers;
        _reconcile = reconcile;
        _logger = logger ?? NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _controllerTag = new KeyValuePair<string, object?>("controller", name);
    }

    public string Name { get; }

    public IRateLimitingQueue<TKey> Queue { get; }

    public int Workers { get; }

    public long Reconciles => Interlocked.Read(ref _reconciles);

    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Runs the workers until cancelled; then shuts the queue down and waits for in-flight reconciles.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _logger.LogInformation("Starting workers controller={Controller} workers={Workers}", Name, Workers);
        var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(() => WorkAsync(cancellationToken), CancellationToken.None)).ToArray();
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            Queue.ShutDown();
            await Task.WhenAll(workers).ConfigureAwait(false);
            _logger.LogInformation("Stopped workers controller={Controller}", Name);
        }
    }

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            QueueItem<TKey> next;
            try
            {
                next = await Queue.GetAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (next.Shutdown)
            {
                return;
            }

            try
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return;
                }

                await ProcessAsync(next.Item, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Queue.Done(next.Item);
            }
        }
    }

    private async Task ProcessAsync(TKey key, CancellationToken cancellationToken)
    {
        var start = _timeProvider.GetTimestamp();
        string outcome;
        try
        {
            var result = await _reconcile(key, cancellationToken).ConfigureAwait(false);
            if (result.RequeueAfter is { } after && after > TimeSpan.Zero)
            {
                Queue.Forget(key);
                Queue.AddAfter(key, after);
                outcome = "requeue_after";
            }
            else if (result.Requeue)
            {
                Queue.AddRateLimited(key);
                outcome = "requeue";
            }
            else
            {
                Queue.Forget(key);
                outcome = "success";
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = "cancelled";
        }
        catch (Exception e)
        {
            Interlocked.Increment(ref _errors);
            KubeMetrics.ReconcileErrors.Add(1, _controllerTag);
            _logger.LogWarning(e, "Reconciler error controller={Controller} key={Key} requeues={Requeues}", Name, key, Queue.NumRequeues(key));
            Queue.AddRateLimited(key);
            outcome = "error";
        }

        Interlocked.Increment(ref _reconciles);
        var elapsed = _timeProvider.GetElapsedTime(start);
        KubeMetrics.ReconcileDuration.Record(elapsed.TotalSeconds, _controllerTag);
        KubeMetrics.Reconciles.Add(1, _controllerTag, new KeyValuePair<string, object?>("result", outcome));
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            _logger.LogDebug("Reconciled controller={Controller} key={Key} result={Result} duration={Duration}", Name, key, outcome, elapsed);
        }
    }
}
