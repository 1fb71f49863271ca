namespace Spool.Kube.Queues;

public static class RateLimiters
{
    /// <summary>
    /// client-go's DefaultControllerRateLimiter: per-item exponential backoff from 5 ms to 1000 s, and an overall bucket
    /// of 10 qps with a burst of 100, whichever is slower.
    /// </summary>
    public static IRateLimiter<T> DefaultController<T>(TimeProvider? timeProvider = null)
        where T : notnull =>
        new MaxOfRateLimiter<T>(
            new ItemExponentialFailureRateLimiter<T>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000)),
            new BucketRateLimiter<T>(10, 100, timeProvider));
}
