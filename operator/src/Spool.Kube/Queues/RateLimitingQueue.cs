namespace Spool.Kube.Queues;

/// <summary>A delaying work queue whose retries are spaced by an <see cref="IRateLimiter{T}"/>.</summary>
public sealed class RateLimitingQueue<T> : IRateLimitingQueue<T>, IDisposable
    where T : notnull
{
    private readonly DelayingQueue<T> _queue;

    /// <summary>With <see cref="RateLimiters.DefaultController{T}"/> when no limiter is given.</summary>
    public RateLimitingQueue(IRateLimiter<T>? rateLimiter = null, TimeProvider? timeProvider = null, IEqualityComparer<T>? comparer = null)
    {
        RateLimiter = rateLimiter ?? RateLimiters.DefaultController<T>(timeProvider);
        _queue = new DelayingQueue<T>(timeProvider, comparer);
    }

    public IRateLimiter<T> RateLimiter { get; }

    public int Count => _queue.Count;

    public int WaitingCount => _queue.WaitingCount;

    public bool ShuttingDown => _queue.ShuttingDown;

    public void Add(T item) => _queue.Add(item);

    public void AddAfter(T item, TimeSpan delay) => _queue.AddAfter(item, delay);

    public void AddRateLimited(T item) => _queue.AddAfter(item, RateLimiter.When(item));

    public void Forget(T item) => RateLimiter.Forget(item);

    public int NumRequeues(T item) => RateLimiter.NumRequeues(item);

    public ValueTask<QueueItem<T>> GetAsync(CancellationToken cancellationToken = default) => _queue.GetAsync(cancellationToken);

    public void Done(T item) => _queue.Done(item);

    public void ShutDown() => _queue.ShutDown();

    public Task ShutDownWithDrainAsync(CancellationToken cancellationToken = default) => _queue.ShutDownWithDrainAsync(cancellationToken);

    public void Dispose() => _queue.Dispose();
}
