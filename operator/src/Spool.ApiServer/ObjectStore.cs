using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Spool.ApiServer;

/// <summary>
/// The in-memory store. One writer lock serialises writes and assigns resourceVersions; readers take immutable
/// snapshots without locking. Every write becomes one <see cref="WatchEvent"/> kept in a bounded history.
/// </summary>
public sealed class ObjectStore : IDisposable
{
    private readonly object writeLock = new();
    private readonly StoreLog? log;
    private readonly int historySize;
    private readonly int watchBufferSize;
    private readonly Queue<WatchEvent> history = new();
    private ImmutableDictionary<string, ImmutableSortedDictionary<string, StoredObject>> tables =
        ImmutableDictionary<string, ImmutableSortedDictionary<string, StoredObject>>.Empty;
    private ImmutableDictionary<string, ImmutableArray<Watcher>> watchers = ImmutableDictionary<string, ImmutableArray<Watcher>>.Empty;
    private long resourceVersion;
    private long compactedResourceVersion;

    public ObjectStore(int historySize, int watchBufferSize, string? persistenceDirectory)
    {
        this.historySize = Math.Max(1, historySize);
        this.watchBufferSize = Math.Max(1, watchBufferSize);
        if (persistenceDirectory is not null)
        {
            log = new StoreLog(persistenceDirectory);
            Restore(log.Load());
        }
    }

    public long ResourceVersion => Interlocked.Read(ref resourceVersion);

    /// <summary>Oldest resourceVersion a watch can resume from.</summary>
    public long CompactedResourceVersion => Interlocked.Read(ref compactedResourceVersion);

    public int Count => Volatile.Read(ref tables).Values.Sum(t => t.Count);

    private void Restore(StoreLog.Loaded loaded)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, ImmutableSortedDictionary<string, StoredObject>>();
        foreach (var obj in loaded.SnapshotObjects)
        {
            var table = builder.TryGetValue(obj.StorageKey, out var t) ? t : ImmutableSortedDictionary.Create<string, StoredObject>(StringComparer.Ordinal);
            builder[obj.StorageKey] = table.SetItem(obj.Key, obj);
        }

        resourceVersion = loaded.SnapshotResourceVersion;
        compactedResourceVersion = loaded.SnapshotResourceVersion;
        var first = true;
        foreach (var evt in loaded.Events)
        {
            if (first)
            {
                compactedResourceVersion = Math.Min(compactedResourceVersion, evt.ResourceVersion - 1);
                first = false;
            }

            if (evt.ResourceVersion > loaded.SnapshotResourceVersion)
            {
                var table = builder.TryGetValue(evt.StorageKey, out var t) ? t : ImmutableSortedDictionary.Create<string, StoredObject>(StringComparer.Ordinal);
                builder[evt.StorageKey] = evt.Type == "DELETED" ? table.Remove(evt.Object.Key) : table.SetItem(evt.Object.Key, evt.Object);
            }

            resourceVersion = Math.Max(resourceVersion, evt.ResourceVersion);
            AddHistory(evt);
        }

        if (first)
        {
            compactedResourceVersion = resourceVersion;
        }

        tables = builder.ToImmutable();
        if (log!.ShouldCompact(historySize))
        {
            log.Compact(resourceVersion, tables.Values.SelectMany(t => t.Values), history);
        }
    }

    private void AddHistory(WatchEvent evt)
    {
        history.Enqueue(evt);
        while (history.Count > historySize)
        {
            var dropped = history.Dequeue();
            compactedResourceVersion = dropped.ResourceVersion;
        }
    }

    public StoredObject? Get(string storageKey, string? ns, string name)
    {
        var snapshot = Volatile.Read(ref tables);
        return snapshot.TryGetValue(storageKey, out var table) && table.TryGetValue(StoredObject.KeyOf(ns, name), out var obj) ? obj : null;
    }

    /// <summary>A consistent snapshot of one resource's objects and the resourceVersion it reflects.</summary>
    public (ImmutableSortedDictionary<string, StoredObject> Objects, long ResourceVersion) Snapshot(string storageKey)
    {
        lock (writeLock)
        {
            return (tables.TryGetValue(storageKey, out var table) ? table : ImmutableSortedDictionary.Create<string, StoredObject>(StringComparer.Ordinal), resourceVersion);
        }
    }

    public IEnumerable<StoredObject> AllObjects() => Volatile.Read(ref tables).Values.SelectMany(t => t.Values);

    public IEnumerable<StoredObject> ObjectsOf(string storageKey) =>
        Volatile.Read(ref tables).TryGetValue(storageKey, out var table) ? table.Values : [];

    /// <summary>
    /// Runs <paramref name="decide"/> under the write lock with the current object and the resourceVersion the write
    /// would get, then applies its decision. Returns the stored result (for deletes, the final state) or the current object.
    /// </summary>
    public StoredObject? Write(string storageKey, string? ns, string name, Func<StoredObject?, long, Mutation> decide)
    {
        lock (writeLock)
        {
            var table = tables.TryGetValue(storageKey, out var t) ? t : ImmutableSortedDictionary.Create<string, StoredObject>(StringComparer.Ordinal);
            var key = StoredObject.KeyOf(ns, name);
            table.TryGetValue(key, out var current);
            var next = resourceVersion + 1;
            var mutation = decide(current, next);
            switch (mutation.Kind)
            {
                case MutationKind.None:
                    return current;
                case MutationKind.Put:
                {
                    var obj = mutation.Object!;
                    var meta = obj["metadata"]!.AsObject();
                    if (current is not null)
                    {
                        // A write that changes nothing keeps the resourceVersion and emits no event, as on the real server.
                        meta["resourceVersion"] = current.ResourceVersion.ToString(CultureInfo.InvariantCulture);
                        var unchanged = StoredObject.Create(storageKey, obj);
                        if (unchanged.Json.AsSpan().SequenceEqual(current.Json))
                        {
                            return current;
                        }
                    }

                    meta["resourceVersion"] = next.ToString(CultureInfo.InvariantCulture);
                    var stored = StoredObject.Create(storageKey, obj);
                    Commit(storageKey, table.SetItem(key, stored), new WatchEvent(current is null ? "ADDED" : "MODIFIED", stored, current), next);
                    return stored;
                }

                default:
                {
                    if (current is null)
                    {
                        return null;
                    }

                    var obj = mutation.Object!;
                    obj["metadata"]!.AsObject()["resourceVersion"] = next.ToString(CultureInfo.InvariantCulture);
                    var stored = StoredObject.Create(storageKey, obj);
                    Commit(storageKey, table.Remove(key), new WatchEvent("DELETED", stored, current), next);
                    return stored;
                }
            }
        }
    }

    private void Commit(string storageKey, ImmutableSortedDictionary<string, StoredObject> table, WatchEvent evt, long next)
    {
        log?.Append(evt);
        Volatile.Write(ref tables, tables.SetItem(storageKey, table));
        AddHistory(evt);
        if (watchers.TryGetValue(storageKey, out var list))
        {
            foreach (var w in list)
            {
                w.Deliver(evt);
            }
        }

        // Published after delivery: a bookmark carrying this version never overtakes an event it covers.
        Interlocked.Exchange(ref resourceVersion, next);

        if (log is not null && log.ShouldCompact(historySize))
        {
            log.Compact(resourceVersion, tables.Values.SelectMany(x => x.Values), history);
        }
    }

    /// <summary>
    /// Registers a watcher. With <paramref name="fromResourceVersion"/> null the current objects are sent as ADDED first;
    /// otherwise history after that version is replayed, or 410 Gone is thrown when it is too old.
    /// </summary>
    public WatchSubscription Subscribe(string storageKey, ObjectFilter filter, long? fromResourceVersion)
    {
        lock (writeLock)
        {
            var backlog = new List<(WatchEvent, string)>();
            if (fromResourceVersion is null)
            {
                if (tables.TryGetValue(storageKey, out var table))
                {
                    foreach (var obj in table.Values)
                    {
                        if (filter.Matches(obj))
                        {
                            backlog.Add((new WatchEvent("ADDED", obj, null), "ADDED"));
                        }
                    }
                }
            }
            else
            {
                if (fromResourceVersion.Value < compactedResourceVersion)
                {
                    throw StatusFactory.Gone($"too old resource version: {fromResourceVersion.Value} ({compactedResourceVersion + 1})");
                }

                var probe = new Watcher(storageKey, filter, 1);
                foreach (var evt in history)
                {
                    if (evt.ResourceVersion > fromResourceVersion.Value && evt.StorageKey == storageKey)
                    {
                        var type = probe.TypeFor(evt);
                        if (type is not null)
                        {
                            backlog.Add((evt, type));
                        }
                    }
                }
            }

            var watcher = new Watcher(storageKey, filter, watchBufferSize);
            watchers = watchers.SetItem(storageKey, watchers.TryGetValue(storageKey, out var existing) ? existing.Add(watcher) : [watcher]);
            return new WatchSubscription(watcher, backlog, resourceVersion);
        }
    }

    public void Unsubscribe(Watcher watcher)
    {
        lock (writeLock)
        {
            if (watchers.TryGetValue(watcher.StorageKey, out var list))
            {
                var remaining = list.Remove(watcher);
                watchers = remaining.IsEmpty ? watchers.Remove(watcher.StorageKey) : watchers.SetItem(watcher.StorageKey, remaining);
            }
        }

        watcher.Close();
    }

    public void CloseAllWatchers()
    {
        lock (writeLock)
        {
            foreach (var w in watchers.Values.SelectMany(x => x))
            {
                w.Close();
            }

            watchers = ImmutableDictionary<string, ImmutableArray<Watcher>>.Empty;
        }
    }

    public void Dispose()
    {
        CloseAllWatchers();
        lock (writeLock)
        {
            log?.Dispose();
        }
    }
}
