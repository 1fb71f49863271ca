namespace Spool.DataPath.Drives;

/// <summary>
/// Writes the runs of one tape file in order on a thread of its own, with several aligned staging buffers between the
/// caller and the device. With a single run in flight the device sat idle whenever the caller was late with the next
/// one, and a pool thread for each run sometimes waited behind the busy pipeline stages; a backup measured at about
/// two thirds of the device's sequential rate. A failed run stops every later one (a tape file never gets a hole) and
/// surfaces in the caller's next <see cref="Rent"/> or <see cref="Drain"/>.
/// </summary>
internal sealed class StagedRunWriter : IDisposable
{
    private readonly RunWrite write;
    private readonly StagingBuffer[] buffers;
    private readonly Stack<int> free = new();
    private readonly Queue<(int Slot, int Length, long At, Action? Barrier, TaskCompletionSource? Done)> pending = new();
    private readonly object gate = new();
    private readonly Thread thread;
    private Exception? failure;
    private bool busy;
    private bool stopping;

    public StagedRunWriter(int capacity, int depth, RunWrite write)
    {
        this.write = write;
        Capacity = capacity;
        buffers = new StagingBuffer[depth];
        for (var i = depth - 1; i >= 0; i--)
        {
            buffers[i] = StagingBuffers.Rent(capacity);
            free.Push(i);
        }

        thread = new Thread(Loop) { IsBackground = true, Name = "spool-tape-file-writer" };
        thread.Start();
    }

    public delegate void RunWrite(ReadOnlySpan<byte> data, long at);

    public int Capacity { get; }

    /// <summary>Waits for a free staging buffer; returns its slot.</summary>
    public int Rent()
    {
        lock (gate)
        {
            while (free.Count == 0 && failure is null)
            {
                Monitor.Wait(gate);
            }

            ThrowIfFailed();
            return free.Pop();
        }
    }

    public Span<byte> Slot(int slot) => buffers[slot].Span[..Capacity];

    /// <summary>Queues the first <paramref name="length"/> bytes of a rented slot for the file offset <paramref name="at"/>.</summary>
    public void Submit(int slot, int length, long at)
    {
        lock (gate)
        {
            pending.Enqueue((slot, length, at, null, null));
            Monitor.PulseAll(gate);
        }
    }

    /// <summary>
    /// Queues <paramref name="action"/> (an fsync) behind the runs submitted so far; the task completes when it has run,
    /// or fails with its failure or an earlier run's. Runs submitted later are written after it.
    /// </summary>
    public Task Barrier(Action action)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            if (stopping)
            {
                throw new ObjectDisposedException(nameof(StagedRunWriter));
            }

            pending.Enqueue((-1, 0, 0, action, done));
            Monitor.PulseAll(gate);
        }

        return done.Task;
    }

    /// <summary>Gives an unused rented slot back.</summary>
    public void Return(int slot)
    {
        lock (gate)
        {
            free.Push(slot);
            Monitor.PulseAll(gate);
        }
    }

    /// <summary>Waits until every submitted run is written, and throws the failure of any.</summary>
    public void Drain()
    {
        lock (gate)
        {
            while (pending.Count > 0 || busy)
            {
                Monitor.Wait(gate);
            }

            ThrowIfFailed();
        }
    }

    /// <summary>Lets the submitted runs finish (their failure is not reported here), then returns the buffers.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (stopping)
            {
                return;
            }

            stopping = true;
            Monitor.PulseAll(gate);
        }

        thread.Join();
        foreach (var buffer in buffers)
        {
            StagingBuffers.Return(buffer);
        }
    }

    private void ThrowIfFailed()
    {
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }
    }

    private void Loop()
    {
        while (true)
        {
            (int Slot, int Length, long At, Action? Barrier, TaskCompletionSource? Done) run;
            bool skip;
            lock (gate)
            {
                while (pending.Count == 0 && !stopping)
                {
                    Monitor.Wait(gate);
                }

                if (pending.Count == 0)
                {
                    return;
                }

                run = pending.Dequeue();
                busy = true;
                skip = failure is not null;
            }

            Exception? error = null;
            if (!skip)
            {
                try
                {
                    if (run.Barrier is { } barrier)
                    {
                        barrier();
                    }
                    else
                    {
                        write(Slot(run.Slot)[..run.Length], run.At);
                    }
                }
                catch (Exception e)
                {
                    error = e;
                }
            }

            Exception? outcome;
            lock (gate)
            {
                failure ??= error;
                outcome = failure;
                busy = false;
                if (run.Done is null)
                {
                    free.Push(run.Slot);
                }

                Monitor.PulseAll(gate);
            }

            if (run.Done is { } done)
            {
                if (outcome is null)
                {
                    done.SetResult();
                }
                else
                {
                    done.SetException(outcome);
                }
            }
        }
    }
}
