namespace Spool.Kube.Queues;

public interface IDelayingQueue<T> : IWorkQueue<T>
    where T : notnull
{
    /// <summary>Adds the item once <paramref name="delay"/> has passed; an earlier pending time for the same item wins.</summary>
    void AddAfter(T item, TimeSpan delay);
}
