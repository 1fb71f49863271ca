using Spool.Api;

namespace Spool.Kube.Informers;

/// <summary>
/// A thread-safe store keyed by <see cref="ObjectKey"/>, with optional secondary indexes: an index function maps an
/// object to the values it is found under (for example the node label of a pod).
/// </summary>
public sealed class InformerStore<T>
    where T : class, IKubernetesObject
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, T> _items = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<T, IEnumerable<string>>> _indexers;
    private readonly Dictionary<string, Dictionary<string, HashSet<string>>> _indices = new(StringComparer.Ordinal);

    public InformerStore(IReadOnlyDictionary<string, Func<T, IEnumerable<string>>>? indexers = null)
    {
        _indexers = new Dictionary<string, Func<T, IEnumerable<string>>>(StringComparer.Ordinal);
        foreach (var (name, indexer) in indexers ?? new Dictionary<string, Func<T, IEnumerable<string>>>())
        {
            _indexers[name] = indexer;
            _indices[name] = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _items.Count;
            }
        }
    }

    public IReadOnlyCollection<string> IndexNames => _indexers.Keys;

    public T? Get(string key)
    {
        lock (_lock)
        {
            return _items.GetValueOrDefault(key);
        }
    }

    public T? Get(string? @namespace, string name) => Get(ObjectKey.Of(@namespace, name));

    public IReadOnlyList<T> List()
    {
        lock (_lock)
        {
            return [.. _items.Values];
        }
    }

    public IReadOnlyList<string> ListKeys()
    {
        lock (_lock)
        {
            return [.. _items.Keys];
        }
    }

    /// <summary>Objects whose index function yields <paramref name="value"/> for the index <paramref name="indexName"/>.</summary>
    public IReadOnlyList<T> ByIndex(string indexName, string value)
    {
        lock (_lock)
        {
            if (!_indices.TryGetValue(indexName, out var index))
            {
                throw new ArgumentException($"no index {indexName}", nameof(indexName));
            }

            return index.TryGetValue(value, out var keys) ? [.. keys.Select(k => _items[k])] : [];
        }
    }

    /// <summary>The values an index currently holds.</summary>
    public IReadOnlyList<string> IndexValues(string indexName)
    {
        lock (_lock)
        {
            if (!_indices.TryGetValue(indexName, out var index))
            {
                throw new ArgumentException($"no index {indexName}", nameof(indexName));
            }

            return [.. index.Keys];
        }
    }

    /// <summary>Adds or replaces the object; returns the previous state, if any.</summary>
    public T? Upsert(T entity)
    {
        var key = ObjectKey.Of(entity);
        lock (_lock)
        {
            _items.TryGetValue(key, out var old);
            if (old is not null)
            {
                Unindex(key, old);
            }

            _items[key] = entity;
            Index(key, entity);
            return old;
        }
    }

    /// <summary>Removes the object; returns its last state, or null when it was not stored.</summary>
    public T? Remove(string key)
    {
        lock (_lock)
        {
            if (!_items.Remove(key, out var old))
            {
                return null;
            }

            Unindex(key, old);
            return old;
        }
    }

    /// <summary>Replaces the whole content, as after a LIST; returns the previous content.</summary>
    public IReadOnlyDictionary<string, T> Replace(IEnumerable<T> entities)
    {
        lock (_lock)
        {
            var old = new Dictionary<string, T>(_items, StringComparer.Ordinal);
            _items.Clear();
            foreach (var index in _indices.Values)
            {
                index.Clear();
            }

            foreach (var entity in entities)
            {
                var key = ObjectKey.Of(entity);
                _items[key] = entity;
                Index(key, entity);
            }

            return old;
        }
    }

    private void Index(string key, T entity)
    {
        foreach (var (name, indexer) in _indexers)
        {
            var index = _indices[name];
            foreach (var value in indexer(entity).Distinct(StringComparer.Ordinal))
            {
                if (!index.TryGetValue(value, out var keys))
                {
                    keys = new HashSet<string>(StringComparer.Ordinal);
                    index[value] = keys;
                }

                keys.Add(key);
            }
        }
    }

    private void Unindex(string key, T entity)
    {
        foreach (var (name, indexer) in _indexers)
        {
            var index = _indices[name];
            foreach (var value in indexer(entity).Distinct(StringComparer.Ordinal))
            {
                if (index.TryGetValue(value, out var keys) && keys.Remove(key) && keys.Count == 0)
                {
                    index.Remove(value);
                }
            }
        }
    }
}
