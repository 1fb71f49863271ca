namespace Spool.Kube.Queues;

/// <summary>What <see cref="IWorkQueue{T}.GetAsync"/> hands out: an item to process, or the news that the queue shut down.</summary>
public readonly record struct QueueItem<T>(T Item, bool Shutdown);
