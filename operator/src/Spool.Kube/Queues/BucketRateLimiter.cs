namespace Spool.Kube.Queues;

/// <summary>An overall token bucket across all items; it bounds the retry rate, not the retry count.</summary>
public sealed class BucketRateLimiter<T>(TokenBucket bucket) : IRateLimiter<T>
    where T : notnull
{
    public BucketRateLimiter(double qps, int burst, TimeProvider? timeProvider = null)
        : this(new TokenBucket(qps, burst, timeProvider))
    {
    }

    public TokenBucket Bucket { get; } = bucket;

    public TimeSpan When(T item) => Bucket.Reserve();

    public void Forget(T item)
    {
    }

    public int NumRequeues(T item) => 0;
}
