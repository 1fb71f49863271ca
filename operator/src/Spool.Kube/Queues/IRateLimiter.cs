namespace Spool.Kube.Queues;

/// <summary>Decides how long an item waits before it is retried.</summary>
public interface IRateLimiter<T>
    where T : notnull
{
    /// <summary>The delay for the next retry of the item; counts as one failure.</summary>
    TimeSpan When(T item);

    void Forget(T item);

    int NumRequeues(T item);
}
