namespace Spool.Kube;

/// <summary>
/// A token bucket with reservations, like golang.org/x/time/rate: a caller that finds the bucket empty takes a token
/// anyway and is told how long to wait, so that waiters are served in arrival order without a queue.
/// </summary>
public sealed class TokenBucket
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _timeProvider;
    private double _tokens;
    private long _last;

    public TokenBucket(double ratePerSecond, int burst, TimeProvider? timeProvider = null)
    {
        if (ratePerSecond <= 0 || double.IsNaN(ratePerSecond))
        {
            throw new ArgumentOutOfRangeException(nameof(ratePerSecond), "rate must be positive");
        }

        if (burst < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(burst), "burst must be at least 1");
        }

        RatePerSecond = ratePerSecond;
        Burst = burst;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _tokens = burst;
        _last = _timeProvider.GetTimestamp();
    }

    public double RatePerSecond { get; }

    public int Burst { get; }

    /// <summary>Takes a token and returns how long the caller must wait before using it (zero when one was available).</summary>
    public TimeSpan Reserve()
    {
        lock (_lock)
        {
            Refill();
            _tokens -= 1;
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / RatePerSecond);
        }
    }

    /// <summary>Takes a token only if one is available now.</summary>
    public bool TryTake()
    {
        lock (_lock)
        {
            Refill();
            if (_tokens < 1)
            {
                return false;
            }

            _tokens -= 1;
            return true;
        }
    }

    public async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        var delay = Reserve();
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Refill()
    {
        var now = _timeProvider.GetTimestamp();
        var elapsed = _timeProvider.GetElapsedTime(_last, now);
        _last = now;
        if (elapsed > TimeSpan.Zero)
        {
            _tokens = Math.Min(Burst, _tokens + (elapsed.TotalSeconds * RatePerSecond));
        }
    }
}
