using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Spool.Api;

namespace Spool.Kube.Informers;

/// <summary>
/// One informer per type, namespace and selectors, shared by every controller of a process so that each resource is
/// listed and watched once. Informers asked for after <see cref="Start"/> start at once.
/// </summary>
public sealed class SharedInformerFactory : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(Type Type, string? Namespace, string? Labels, string? Fields), IInformer> _informers = new();
    private readonly IKubernetesClient _client;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _lock = new();
    private CancellationToken? _started;

    public SharedInformerFactory(IKubernetesClient client, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        _client = client;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// The shared informer for <typeparamref name="T"/> with these options. Options other than namespace and selectors
    /// (indexers, backoff) are taken from the first caller.
    /// </summary>
    public Informer<T> GetInformer<T>(InformerOptions<T>? options = null)
        where T : class, IKubernetesObject
    {
        options ??= new InformerOptions<T>();
        var key = (typeof(T), options.Namespace, options.LabelSelector, options.FieldSelector);
        lock (_lock)
        {
            var informer = (Informer<T>)_informers.GetOrAdd(
                key,
                _ => new Informer<T>(_client, options, _loggerFactory.CreateLogger($"Spool.Kube.Informer.{typeof(T).Name}"), _timeProvider));
            if (_started is { } token)
            {
                _ = informer.Start(token);
            }

            return informer;
        }
    }

    /// <summary>Starts every informer created so far, and every later one.</summary>
    public void Start(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _started = cancellationToken;
            foreach (var informer in _informers.Values)
            {
                _ = informer.Start(cancellationToken);
            }
        }
    }

    public async Task WaitForCacheSyncAsync(CancellationToken cancellationToken = default)
    {
        IInformer[] informers;
        lock (_lock)
        {
            informers = [.. _informers.Values];
        }

        await Task.WhenAll(informers.Select(i => i.WaitForSyncAsync(cancellationToken))).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        IInformer[] informers;
        lock (_lock)
        {
            informers = [.. _informers.Values];
        }

        foreach (var informer in informers)
        {
            await informer.DisposeAsync().ConfigureAwait(false);
        }
    }
}
