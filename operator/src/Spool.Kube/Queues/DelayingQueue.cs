namespace Spool.Kube.Queues;

/// <summary>A work queue whose items can be added after a delay, measured on a <see cref="TimeProvider"/>.</summary>
public sealed class DelayingQueue<T> : IDelayingQueue<T>, IDisposable
    where T : notnull
{
    private readonly Lock _lock = new();
    private readonly WorkQueue<T> _queue;
    private readonly TimeProvider _timeProvider;
    private readonly Dictionary<T, DateTimeOffset> _readyAt;
    private readonly PriorityQueue<T, (DateTimeOffset At, long Sequence)> _waiting = new();
    private readonly ITimer _timer;
    private long _sequence;

    public DelayingQueue(TimeProvider? timeProvider = null, IEqualityComparer<T>? comparer = null)
    {
        _queue = new WorkQueue<T>(comparer);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _readyAt = new Dictionary<T, DateTimeOffset>(comparer);
        _timer = _timeProvider.CreateTimer(_ => Release(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public int Count => _queue.Count;

    /// <summary>Items waiting for their delay to pass.</summary>
    public int WaitingCount
    {
        get
        {
            lock (_lock)
            {
                return _readyAt.Count;
            }
        }
    }

    public bool ShuttingDown => _queue.ShuttingDown;

    public void Add(T item) => _queue.Add(item);

    public void AddAfter(T item, TimeSpan delay)
    {
        if (_queue.ShuttingDown)
        {
            return;
        }

        if (delay <= TimeSpan.Zero)
        {
            _queue.Add(item);
            return;
        }

        lock (_lock)
        {
            var at = _timeProvider.GetUtcNow() + delay;
            if (_readyAt.TryGetValue(item, out var existing) && existing <= at)
            {
                return;
            }

            _readyAt[item] = at;
            _waiting.Enqueue(item, (at, ++_sequence));
            Arm();
        }
    }

    public ValueTask<QueueItem<T>> GetAsync(CancellationToken cancellationToken = default) => _queue.GetAsync(cancellationToken);

    public void Done(T item) => _queue.Done(item);

    public void ShutDown()
    {
        _queue.ShutDown();
        lock (_lock)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _readyAt.Clear();
            _waiting.Clear();
        }
    }

    public Task ShutDownWithDrainAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _readyAt.Clear();
            _waiting.Clear();
        }

        return _queue.ShutDownWithDrainAsync(cancellationToken);
    }

    public void Dispose() => _timer.Dispose();

    private void Release()
    {
        var ready = new List<T>();
        lock (_lock)
        {
            var now = _timeProvider.GetUtcNow();
            while (_waiting.TryPeek(out var item, out var priority) && priority.At <= now)
            {
                _waiting.Dequeue();
                if (_readyAt.TryGetValue(item, out var at) && at == priority.At)
                {
                    _readyAt.Remove(item);
                    ready.Add(item);
                }
            }

            Arm();
        }

        foreach (var item in ready)
        {
            _queue.Add(item);
        }
    }

    /// <summary>Under the lock: point the timer at the earliest live entry.</summary>
    private void Arm()
    {
        while (_waiting.TryPeek(out var item, out var priority))
        {
            if (_readyAt.TryGetValue(item, out var at) && at == priority.At)
            {
                var due = priority.At - _timeProvider.GetUtcNow();
                _timer.Change(due > TimeSpan.Zero ? due : TimeSpan.FromTicks(1), Timeout.InfiniteTimeSpan);
                return;
            }

            _waiting.Dequeue();
        }

        _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }
}
