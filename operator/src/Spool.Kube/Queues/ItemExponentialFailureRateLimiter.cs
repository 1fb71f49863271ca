using System.Collections.Concurrent;

namespace Spool.Kube.Queues;

/// <summary>Per item: <c>baseDelay * 2^failures</c>, capped at <c>maxDelay</c>.</summary>
public sealed class ItemExponentialFailureRateLimiter<T>(TimeSpan baseDelay, TimeSpan maxDelay) : IRateLimiter<T>
    where T : notnull
{
    private readonly ConcurrentDictionary<T, int> _failures = new();

    public TimeSpan BaseDelay { get; } = baseDelay;

    public TimeSpan MaxDelay { get; } = maxDelay;

    public TimeSpan When(T item)
    {
        var exponent = _failures.AddOrUpdate(item, 1, static (_, n) => n == int.MaxValue ? n : n + 1) - 1;
        var delay = BaseDelay.Ticks * Math.Pow(2, exponent);
        return delay >= MaxDelay.Ticks || double.IsInfinity(delay) ? MaxDelay : TimeSpan.FromTicks((long)delay);
    }

    public void Forget(T item) => _failures.TryRemove(item, out _);

    public int NumRequeues(T item) => _failures.TryGetValue(item, out var n) ? n : 0;
}
