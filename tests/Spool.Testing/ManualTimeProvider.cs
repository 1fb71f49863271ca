namespace Spool.Testing;

/// <summary>
/// A <see cref="TimeProvider"/> that moves only when told to. <see cref="Advance"/> fires due timers in due-time order
/// (creation order on ties), with the clock set to each timer's due time while its callback runs. Thread-safe;
/// callbacks run on the advancing thread, outside the lock, so they may create or change timers. A timer due now
/// (zero due time) fires on the next <see cref="Advance"/>, <c>Advance(TimeSpan.Zero)</c> included, never inside
/// <see cref="CreateTimer"/> itself.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now;
    private long _sequence;

    public ManualTimeProvider()
        : this(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public ManualTimeProvider(DateTimeOffset start)
    {
        _now = start;
    }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>Timers that are scheduled to fire.</summary>
    public int ActiveTimers
    {
        get
        {
            lock (_lock)
            {
                return _timers.Count(t => t.Due is not null);
            }
        }
    }

    /// <summary>When the next timer fires, or null when none is scheduled.</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            lock (_lock)
            {
                return _timers.Where(t => t.Due is not null).Select(t => t.Due).Min();
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ManualTimer(this, callback, state);
        lock (_lock)
        {
            _timers.Add(timer);
            timer.Sequence = ++_sequence;
            Schedule(timer, dueTime, period);
        }

        return timer;
    }

    /// <summary>Moves the clock forward, firing every timer that falls due on the way.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_lock)
        {
            target = _now + delta;
        }

        while (true)
        {
            ManualTimer? next;
            lock (_lock)
            {
                next = null;
                foreach (var timer in _timers)
                {
                    if (timer.Due is { } due && due <= target
                        && (next is null || due < next.Due || (due == next.Due && timer.Sequence < next.Sequence)))
                    {
                        next = timer;
                    }
                }

                if (next is null)
                {
                    if (target > _now)
                    {
                        _now = target;
                    }

                    return;
                }

                if (next.Due!.Value > _now)
                {
                    _now = next.Due.Value;
                }

                if (next.Period > TimeSpan.Zero && next.Period != Timeout.InfiniteTimeSpan)
                {
                    next.Due = next.Due.Value + next.Period;
                }
                else
                {
                    next.Due = null;
                }
            }

            next.Callback(next.State);
        }
    }

    /// <summary>Jumps to an absolute time (never backwards), firing timers on the way.</summary>
    public void SetUtcNow(DateTimeOffset value)
    {
        var now = GetUtcNow();
        ArgumentOutOfRangeException.ThrowIfLessThan(value, now);
        Advance(value - now);
    }

    /// <summary>Advances to the next timer's due time and fires it (and any others due then); false when none is scheduled.</summary>
    public bool AdvanceToNextTimer()
    {
        var next = NextDue;
        if (next is null)
        {
            return false;
        }

        var now = GetUtcNow();
        Advance(next.Value > now ? next.Value - now : TimeSpan.Zero);
        return true;
    }

    private void Schedule(ManualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        timer.Period = period;
        timer.Due = dueTime == Timeout.InfiniteTimeSpan ? null : _now + (dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime);
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public TimerCallback Callback { get; } = callback;

        public object? State { get; } = state;

        public DateTimeOffset? Due { get; set; }

        public TimeSpan Period { get; set; }

        public long Sequence { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._lock)
            {
                if (!owner._timers.Contains(this))
                {
                    return false;
                }

                owner.Schedule(this, dueTime, period);
            }

            return true;
        }

        public void Dispose()
        {
            lock (owner._lock)
            {
                owner._timers.Remove(this);
                Due = null;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
