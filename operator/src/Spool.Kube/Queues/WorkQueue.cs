namespace Spool.Kube.Queues;

/// <summary>The client-go work queue: a FIFO with a dirty set and a processing set.</summary>
public sealed class WorkQueue<T> : IWorkQueue<T>
    where T : notnull
{
    private readonly Lock _lock = new();
    private readonly Queue<T> _queue = new();
    private readonly HashSet<T> _dirty;
    private readonly HashSet<T> _processing;
    private readonly LinkedList<TaskCompletionSource<QueueItem<T>>> _waiters = new();
    private TaskCompletionSource? _drained;
    private bool _shuttingDown;

    public WorkQueue(IEqualityComparer<T>? comparer = null)
    {
        _dirty = new HashSet<T>(comparer);
        _processing = new HashSet<T>(comparer);
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Items handed out and not yet done.</summary>
    public int ProcessingCount
    {
        get
        {
            lock (_lock)
            {
                return _processing.Count;
            }
        }
    }

    public bool ShuttingDown
    {
        get
        {
            lock (_lock)
            {
                return _shuttingDown;
            }
        }
    }

    public void Add(T item)
    {
        lock (_lock)
        {
            if (_shuttingDown || !_dirty.Add(item))
            {
                return;
            }

            if (_processing.Contains(item))
            {
                // Queued again by Done, so that one item never runs twice at once.
                return;
            }

            Enqueue(item);
        }
    }

    public ValueTask<QueueItem<T>> GetAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TaskCompletionSource<QueueItem<T>> waiter;
        LinkedListNode<TaskCompletionSource<QueueItem<T>>> node;
        lock (_lock)
        {
            if (_queue.TryDequeue(out var item))
            {
                _dirty.Remove(item);
                _processing.Add(item);
                return ValueTask.FromResult(new QueueItem<T>(item, false));
            }

            if (_shuttingDown)
            {
                return ValueTask.FromResult(new QueueItem<T>(default!, true));
            }

            waiter = new TaskCompletionSource<QueueItem<T>>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiters.AddLast(waiter);
        }

        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() =>
            {
                lock (_lock)
                {
                    if (node.List is null)
                    {
                        return;
                    }

                    _waiters.Remove(node);
                }

                waiter.TrySetCanceled(cancellationToken);
            });
            _ = waiter.Task.ContinueWith(static (_, r) => ((CancellationTokenRegistration)r!).Dispose(), registration, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return new ValueTask<QueueItem<T>>(waiter.Task);
    }

    public void Done(T item)
    {
        lock (_lock)
        {
            if (!_processing.Remove(item))
            {
                return;
            }

            if (_dirty.Contains(item))
            {
                Enqueue(item);
            }

            SignalIfDrained();
        }
    }

    public void ShutDown()
    {
        lock (_lock)
        {
            _shuttingDown = true;
            while (_waiters.First is { } first)
            {
                _waiters.RemoveFirst();
                first.Value.TrySetResult(new QueueItem<T>(default!, true));
            }

            SignalIfDrained();
        }
    }

    public async Task ShutDownWithDrainAsync(CancellationToken cancellationToken = default)
    {
        Task drained;
        lock (_lock)
        {
            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            drained = _drained.Task;
        }

        ShutDown();
        await drained.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Under the lock: hand the item to a waiting consumer, or queue it.</summary>
    private void Enqueue(T item)
    {
        while (_waiters.First is { } first)
        {
            _waiters.RemoveFirst();
            _dirty.Remove(item);
            _processing.Add(item);
            if (first.Value.TrySetResult(new QueueItem<T>(item, false)))
            {
                return;
            }

            _processing.Remove(item);
            _dirty.Add(item);
        }

        _queue.Enqueue(item);
    }

    private void SignalIfDrained()
    {
        if (_shuttingDown && _drained is not null && _queue.Count == 0 && _processing.Count == 0)
        {
            _drained.TrySetResult();
        }
    }
}
