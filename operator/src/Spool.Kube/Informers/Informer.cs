using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Spool.Api;

namespace Spool.Kube.Informers;

/// <summary>
/// A client-go style informer: one LIST, then a WATCH from the list's resourceVersion, feeding a store and handlers.
/// The watch resumes from the last resourceVersion seen (bookmarks included) when the server closes it; a 410 Gone or
/// any ERROR event triggers a relist, which reports objects that vanished during the gap as
/// <see cref="DeletedFinalStateUnknown{T}"/>. Failures reconnect with jittered exponential backoff (Polly).
/// </summary>
public sealed class Informer<T> : IInformer
    where T : class, IKubernetesObject
{
    private readonly IKubernetesClient _client;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly ResiliencePipeline _reconnect;
    private readonly Lock _dispatchLock = new();
    private readonly List<HandlerListener<T>> _listeners = [];
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly KeyValuePair<string, object?> _typeTag = new("type", typeof(T).Name);
    private readonly CancellationTokenSource _stop = new();
    private Task? _run;
    private bool _needList = true;
    private string? _lastResourceVersion;
    private long _lists;
    private long _watches;

    public Informer(IKubernetesClient client, InformerOptions<T>? options = null, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        _client = client;
        Options = options ?? new InformerOptions<T>();
        _logger = logger ?? NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
        Store = new InformerStore<T>(Options.Indexers);
        _reconnect = new ResiliencePipelineBuilder { TimeProvider = _timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = Options.InitialBackoff,
                MaxDelay = Options.MaxBackoff,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is not null && !args.Context.CancellationToken.IsCancellationRequested),
                OnRetry = args =>
                {
                    _logger.LogWarning(
                        "Informer reconnecting type={Type} attempt={Attempt} delay={Delay} error={Error}",
                        typeof(T).Name,
                        args.AttemptNumber + 1,
                        args.RetryDelay,
                        args.Outcome.Exception?.Message);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    public InformerOptions<T> Options { get; }

    public InformerStore<T> Store { get; }

    /// <summary>True once the first LIST has been stored and its notifications queued.</summary>
    public bool HasSynced => _synced.Task.IsCompletedSuccessfully;

    /// <summary>The resourceVersion a reconnecting watch resumes from.</summary>
    public string? LastResourceVersion => Volatile.Read(ref _lastResourceVersion);

    /// <summary>LIST calls made (the first one and every relist).</summary>
    public long ListCount => Interlocked.Read(ref _lists);

    /// <summary>WATCH connections opened.</summary>
    public long WatchCount => Interlocked.Read(ref _watches);

    /// <summary>Whether every handler has handled every notification queued so far.</summary>
    public bool HandlersIdle
    {
        get
        {
            lock (_dispatchLock)
            {
                return _listeners.All(l => l.Pending == 0);
            }
        }
    }

    public Task WaitForSyncAsync(CancellationToken cancellationToken = default) => _synced.Task.WaitAsync(cancellationToken);

    /// <summary>
    /// Registers a handler. If the informer already holds objects, the handler first gets an add for each, so late
    /// registrations see the same world as early ones. Dispose the result to unregister.
    /// </summary>
    public IDisposable AddHandler(ResourceEventHandler<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_dispatchLock)
        {
            var listener = new HandlerListener<T>(handler, _logger, RemoveListener);
            foreach (var existing in Store.List())
            {
                listener.Post(new InformerNotification<T>(InformerNotificationKind.Add, default, existing));
            }

            _listeners.Add(listener);
            return listener;
        }
    }

    /// <summary>Starts <see cref="RunAsync"/> in the background (once); stopped by the token or by disposal.</summary>
    public Task Start(CancellationToken cancellationToken = default)
    {
        lock (_dispatchLock)
        {
            _run ??= Task.Run(() => RunAsync(cancellationToken), CancellationToken.None);
            return _run;
        }
    }

    /// <summary>Lists and watches until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        var token = linked.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await _reconnect.ExecuteAsync(static async (state, ct) => await state.ListAndWatchAsync(ct).ConfigureAwait(false), this, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        Task? run;
        lock (_dispatchLock)
        {
            run = _run;
        }

        if (run is not null)
        {
            await run.ConfigureAwait(false);
        }

        HandlerListener<T>[] listeners;
        lock (_dispatchLock)
        {
            listeners = [.. _listeners];
        }

        foreach (var listener in listeners)
        {
            listener.Dispose();
        }

        await Task.WhenAll(listeners.Select(l => l.Completion)).ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>
    /// One LIST (when needed) and one WATCH connection. Returns normally when the watch ends cleanly, when a relist is
    /// due, or after a failure that followed progress (so the backoff restarts); throws when nothing was achieved.
    /// </summary>
    private async Task ListAndWatchAsync(CancellationToken cancellationToken)
    {
        var progressed = false;
        try
        {
            if (_needList)
            {
                await ListAsync(cancellationToken).ConfigureAwait(false);
                progressed = true;
            }

            Interlocked.Increment(ref _watches);
            var timeout = (int)(Options.MinWatchTimeout.TotalSeconds * (1 + Random.Shared.NextDouble()));
            var watchOptions = new WatchOptions
            {
                ResourceVersion = LastResourceVersion,
                LabelSelector = Options.LabelSelector,
                FieldSelector = Options.FieldSelector,
                AllowWatchBookmarks = true,
                TimeoutSeconds = Math.Max(1, timeout),
            };
            await foreach (var item in _client.WatchAsync<T>(Options.Namespace, watchOptions, cancellationToken).ConfigureAwait(false))
            {
                KubeMetrics.WatchEvents.Add(1, _typeTag);
                if (item.Type == WatchEventType.Error)
                {
                    _needList = true;
                    var status = item.Status;
                    if (status?.Code == 410 || status?.Reason is "Expired" or "Gone")
                    {
                        _logger.LogInformation("Watch expired, relisting type={Type} resourceVersion={ResourceVersion}", typeof(T).Name, LastResourceVersion);
                        return;
                    }

                    throw new KubernetesApiException((System.Net.HttpStatusCode)(status?.Code is > 0 ? status.Code : 500), status ?? new ApiStatus());
                }

                progressed = true;
                Apply(item);
            }
        }
        catch (KubernetesGoneException)
        {
            _needList = true;
            if (!progressed)
            {
                throw;
            }
        }
        catch (Exception e) when (progressed && !cancellationToken.IsCancellationRequested && e is not OperationCanceledException)
        {
            _logger.LogWarning("Watch failed, resuming type={Type} resourceVersion={ResourceVersion} error={Error}", typeof(T).Name, LastResourceVersion, e.Message);
        }
    }

    private async Task ListAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _lists);
        KubeMetrics.Relists.Add(1, _typeTag);
        var list = await _client.ListAllAsync<T>(
            Options.Namespace,
            new ListOptions { LabelSelector = Options.LabelSelector, FieldSelector = Options.FieldSelector, Limit = Options.PageSize > 0 ? Options.PageSize : null },
            cancellationToken).ConfigureAwait(false);
        lock (_dispatchLock)
        {
            var old = Store.Replace(list.Items);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entity in list.Items)
            {
                var key = ObjectKey.Of(entity);
                seen.Add(key);
                if (!old.TryGetValue(key, out var previous))
                {
                    Post(new InformerNotification<T>(InformerNotificationKind.Add, default, entity));
                }
                else if (previous.Metadata.ResourceVersion != entity.Metadata.ResourceVersion)
                {
                    Post(new InformerNotification<T>(InformerNotificationKind.Update, previous, entity));
                }
            }

            foreach (var (key, previous) in old)
            {
                if (!seen.Contains(key))
                {
                    Post(new InformerNotification<T>(InformerNotificationKind.DeleteFinalStateUnknown, previous, default, new DeletedFinalStateUnknown<T>(key, previous)));
                }
            }

            Volatile.Write(ref _lastResourceVersion, list.Metadata.ResourceVersion);
            _needList = false;
        }

        _synced.TrySetResult();
        _logger.LogDebug("Listed type={Type} count={Count} resourceVersion={ResourceVersion}", typeof(T).Name, list.Items.Count, list.Metadata.ResourceVersion);
    }

    private void Apply(WatchEvent<T> item)
    {
        var entity = item.Object;
        if (entity is null)
        {
            return;
        }

        lock (_dispatchLock)
        {
            switch (item.Type)
            {
                case WatchEventType.Added:
                case WatchEventType.Modified:
                {
                    var old = Store.Upsert(entity);
                    Post(old is null
                        ? new InformerNotification<T>(InformerNotificationKind.Add, default, entity)
                        : new InformerNotification<T>(InformerNotificationKind.Update, old, entity));
                    break;
                }

                case WatchEventType.Deleted:
                {
                    // The event carries the final state, which is newer than the stored one.
                    Store.Remove(ObjectKey.Of(entity));
                    Post(new InformerNotification<T>(InformerNotificationKind.Delete, entity, default));
                    break;
                }
            }

            if (!string.IsNullOrEmpty(entity.Metadata.ResourceVersion))
            {
                Volatile.Write(ref _lastResourceVersion, entity.Metadata.ResourceVersion);
            }
        }
    }

    /// <summary>Under the dispatch lock.</summary>
    private void Post(InformerNotification<T> notification)
    {
        foreach (var listener in _listeners)
        {
            listener.Post(notification);
        }
    }

    private void RemoveListener(HandlerListener<T> listener)
    {
        lock (_dispatchLock)
        {
            _listeners.Remove(listener);
        }
    }
}
