using Spool.Agent.Host.Logging;
using Spool.Api;
using Spool.Kube;

namespace Spool.Agent.Host.Watching;

/// <summary>
/// A list-then-watch cache of one resource with an optional server-side label selector. Every change, and every
/// completed (re)list, is reported through <see cref="Changed"/>; a 410 Gone or a broken stream relists.
/// </summary>
public sealed class ResourceWatch<T>
    where T : class, IKubernetesObject
{
    private readonly IKubernetesClient _client;
    private readonly string? _namespace;
    private readonly string? _labelSelector;
    private readonly TimeProvider _time;
    private readonly AgentLog _log;
    private readonly TimeSpan _watchTimeout;
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Dictionary<string, T> _items = new(StringComparer.Ordinal);

    public ResourceWatch(IKubernetesClient client, string? @namespace, string? labelSelector, TimeProvider time, AgentLog log, TimeSpan watchTimeout)
    {
        _client = client;
        _namespace = @namespace;
        _labelSelector = labelSelector;
        _time = time;
        _log = log.With("resource", typeof(T).Name);
        _watchTimeout = watchTimeout;
    }

    /// <summary>Raised after the cache changed; the argument is true for the first complete list.</summary>
    public event Action<bool>? Changed;

    /// <summary>Completes after the first list.</summary>
    public Task Synced => _synced.Task;

    public static string KeyOf(T item) => item.Metadata.Namespace is { Length: > 0 } ns ? $"{ns}/{item.Metadata.Name}" : item.Metadata.Name ?? "";

    public IReadOnlyList<T> Items()
    {
        lock (_gate)
        {
            return [.. _items.Values];
        }
    }

    public T? Get(string key)
    {
        lock (_gate)
        {
            return _items.GetValueOrDefault(key);
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        string? resourceVersion = null;
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (resourceVersion is null)
                {
                    var list = await _client.ListAllAsync<T>(_namespace, new ListOptions { LabelSelector = _labelSelector }, cancellationToken).ConfigureAwait(false);
                    lock (_gate)
                    {
                        _items = list.Items.ToDictionary(KeyOf, StringComparer.Ordinal);
                    }

                    resourceVersion = list.Metadata.ResourceVersion;
                    var first = !_synced.Task.IsCompleted;
                    _synced.TrySetResult();
                    Changed?.Invoke(first);
                }

                var options = new WatchOptions
                {
                    ResourceVersion = resourceVersion,
                    LabelSelector = _labelSelector,
                    AllowWatchBookmarks = true,
                    TimeoutSeconds = (int)Math.Max(1, _watchTimeout.TotalSeconds),
                };
                await foreach (var change in _client.WatchAsync<T>(_namespace, options, cancellationToken).ConfigureAwait(false))
                {
                    failures = 0;
                    if (change.Type == WatchEventType.Error)
                    {
                        _log.Info("Watch expired, relisting", "code", change.Status?.Code, "reason", change.Status?.Reason);
                        resourceVersion = null;
                        break;
                    }

                    if (change.Object is null)
                    {
                        continue;
                    }

                    resourceVersion = change.Object.Metadata.ResourceVersion ?? resourceVersion;
                    if (change.Type == WatchEventType.Bookmark)
                    {
                        continue;
                    }

                    lock (_gate)
                    {
                        if (change.Type == WatchEventType.Deleted)
                        {
                            _items.Remove(KeyOf(change.Object));
                        }
                        else
                        {
                            _items[KeyOf(change.Object)] = change.Object;
                        }
                    }

                    Changed?.Invoke(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (KubernetesGoneException)
            {
                resourceVersion = null;
            }
            catch (Exception error)
            {
                failures++;
                _log.Error(error, "Watch failed, retrying", "failures", failures);
                if (failures > 3)
                {
                    resourceVersion = null;
                }

                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 250 * failures)), _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
