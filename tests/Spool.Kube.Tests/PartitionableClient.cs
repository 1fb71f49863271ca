using System.Runtime.CompilerServices;
using Spool.Api;

namespace Spool.Kube.Tests;

/// <summary>Wraps a client and can cut it off from the API server, as a network partition of one replica would.</summary>
public sealed class PartitionableClient(IKubernetesClient inner) : IKubernetesClient
{
    private CancellationTokenSource _watchBreaker = new();

    public volatile bool Partitioned;

    public Task<T?> GetAsync<T>(string name, string? @namespace = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject => Guard(() => inner.GetAsync<T>(name, @namespace, cancellationToken));

    public Task<EntityList<T>> ListAsync<T>(string? @namespace = null, ListOptions? options = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject => Guard(() => inner.ListAsync<T>(@namespace, options, cancellationToken));

    public Task<EntityList<T>> ListAllAsync<T>(string? @namespace = null, ListOptions? options = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject => Guard(() => inner.ListAllAsync<T>(@namespace, options, cancellationToken));

    public Task<T> CreateAsync<T>(T entity, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject => Guard(() => inner.CreateAsync(entity, cancellationToken));

    public Task<T> UpdateAsync<T>(T entity, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject => Guard(() => inner.UpdateAsync(entity, cancellationToken));

    public Task<T> UpdateStatusAsync<T>(T entity, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject => Guard(() => inner.UpdateStatusAsync(entity, cancellationToken));

    public Task<T> PatchAsync<T>(string name, string? @namespace, KubePatch patch, string? subresource = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject => Guard(() => inner.PatchAsync<T>(name, @namespace, patch, subresource, cancellationToken));

    public Task<bool> DeleteAsync<T>(string name, string? @namespace = null, DeleteOptions? options = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject => Guard(() => inner.DeleteAsync<T>(name, @namespace, options, cancellationToken));

    /// <summary>Ends every open watch of this client (the informer sees the stream close).</summary>
    public void BreakWatches()
    {
        var old = Interlocked.Exchange(ref _watchBreaker, new CancellationTokenSource());
        old.Cancel();
        old.Dispose();
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(string? @namespace = null, WatchOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject
    {
        if (Partitioned)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, "partitioned");
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _watchBreaker.Token);
        var events = inner.WatchAsync<T>(@namespace, options, linked.Token).GetAsyncEnumerator(linked.Token);
        try
        {
            while (true)
            {
                bool next;
                try
                {
                    next = await events.MoveNextAsync();
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    yield break;
                }

                if (!next)
                {
                    yield break;
                }

                yield return events.Current;
            }
        }
        finally
        {
            await events.DisposeAsync();
        }
    }

    public IResourceClient Resource(ResourceDescriptor resource) => inner.Resource(resource);

    private Task<TResult> Guard<TResult>(Func<Task<TResult>> call) =>
        Partitioned ? Task.FromException<TResult>(new HttpRequestException(HttpRequestError.ConnectionError, "partitioned")) : call();
}
