namespace Spool.Kube.Queues;

/// <summary>
/// The client-go work queue contract. Fair (FIFO), stingy (an item added many times before it is processed is
/// processed once) and never processes one item concurrently: an item re-added while in process is queued again
/// when <see cref="Done"/> is called.
/// </summary>
public interface IWorkQueue<T>
    where T : notnull
{
    /// <summary>Items waiting to be handed out (not those in process).</summary>
    int Count { get; }

    bool ShuttingDown { get; }

    /// <summary>Queues the item unless it is already waiting; ignored once shut down.</summary>
    void Add(T item);

    /// <summary>
    /// Waits for the next item and marks it in process; <see cref="Done"/> must follow. After <see cref="ShutDown"/>,
    /// the remaining items are still handed out, then the result has <see cref="QueueItem{T}.Shutdown"/> set.
    /// </summary>
    ValueTask<QueueItem<T>> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Ends processing of the item; if it was re-added meanwhile, it is queued again.</summary>
    void Done(T item);

    void ShutDown();

    /// <summary>Shuts down, then waits until every queued and in-process item has been handed out and marked done.</summary>
    Task ShutDownWithDrainAsync(CancellationToken cancellationToken = default);
}
