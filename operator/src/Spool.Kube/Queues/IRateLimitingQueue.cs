namespace Spool.Kube.Queues;

public interface IRateLimitingQueue<T> : IDelayingQueue<T>
    where T : notnull
{
    /// <summary>Adds the item after the delay its rate limiter prescribes (growing with each failure).</summary>
    void AddRateLimited(T item);

    /// <summary>Clears the item's failure history; call it when the item was processed successfully.</summary>
    void Forget(T item);

    int NumRequeues(T item);
}
