using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Spool.Api;

namespace Spool.Kube.Tests;

/// <summary>
/// A small in-memory API for unit tests of the layers above the HTTP client: resourceVersions, optimistic
/// concurrency, a watch history for resumption (and 410 once it is trimmed), and switches to simulate outages.
/// </summary>
public sealed class InMemoryKubernetesClient : IKubernetesClient
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Resource, string Key), JsonObject> _objects = [];
    private readonly List<(long Rv, string Resource, string Type, JsonObject Object)> _history = [];
    private readonly List<(string Resource, Channel<(string Type, JsonObject Object)> Channel)> _watchers = [];
    private long _rv = 100;
    private long _oldestResumable = 0;

    /// <summary>When set, every call throws it (an API server outage).</summary>
    public Exception? Failure { get; set; }

    /// <summary>Called before every operation with its verb; may throw or block.</summary>
    public Func<string, Task>? BeforeCall { get; set; }

    public int Calls { get; private set; }

    public int ListCalls { get; private set; }

    public int WatchCalls { get; private set; }

    public List<string?> WatchResourceVersions { get; } = [];

    public int ActiveWatches
    {
        get
        {
            lock (_lock)
            {
                return _watchers.Count;
            }
        }
    }

    public string CurrentResourceVersion
    {
        get
        {
            lock (_lock)
            {
                return _rv.ToString(CultureInfo.InvariantCulture);
            }
        }
    }

    /// <summary>Forgets the watch history: a watch from an older resourceVersion gets 410.</summary>
    public void CompactHistory()
    {
        lock (_lock)
        {
            _history.Clear();
            _oldestResumable = _rv;
        }
    }

    /// <summary>Ends every open watch, as a server restart or timeout would.</summary>
    public void CloseWatches()
    {
        lock (_lock)
        {
            foreach (var (_, channel) in _watchers)
            {
                channel.Writer.TryComplete();
            }

            _watchers.Clear();
        }
    }

    /// <summary>Sends a bookmark with the current resourceVersion to every watcher of <typeparamref name="T"/>.</summary>
    public void Bookmark<T>()
    {
        var resource = ResourceDescriptor.For(typeof(T)).Plural;
        lock (_lock)
        {
            var bookmark = new JsonObject { ["metadata"] = new JsonObject { ["resourceVersion"] = _rv.ToString(CultureInfo.InvariantCulture) } };
            foreach (var (r, channel) in _watchers)
            {
                if (r == resource)
                {
                    channel.Writer.TryWrite(("BOOKMARK", bookmark));
                }
            }
        }
    }

    /// <summary>Changes storage without any watch event, as if it happened while nobody watched and history was lost.</summary>
    public void RemoveSilently<T>(string name, string? @namespace)
    {
        lock (_lock)
        {
            _objects.Remove((Plural<T>(), Key(@namespace, name)));
            _rv++;
        }
    }

    public async Task<T?> GetAsync<T>(string name, string? @namespace = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject
    {
        await Enter("get");
        lock (_lock)
        {
            return _objects.TryGetValue((Plural<T>(), Key(@namespace, name)), out var o) ? o.Deserialize<T>(KubeJson.Options) : null;
        }
    }

    public async Task<EntityList<T>> ListAsync<T>(string? @namespace = null, ListOptions? options = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject
    {
        await Enter("list");
        ListCalls++;
        lock (_lock)
        {
            var items = _objects.Where(e => e.Key.Resource == Plural<T>() && (@namespace is null || e.Key.Key.StartsWith(@namespace + "/", StringComparison.Ordinal)))
                .OrderBy(e => e.Key.Key, StringComparer.Ordinal)
                .Select(e => e.Value.Deserialize<T>(KubeJson.Options)!)
                .ToList();
            return new EntityList<T> { Items = items, Metadata = new ListMeta { ResourceVersion = _rv.ToString(CultureInfo.InvariantCulture) } };
        }
    }

    public Task<EntityList<T>> ListAllAsync<T>(string? @namespace = null, ListOptions? options = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject =>
        ListAsync<T>(@namespace, options, cancellationToken);

    public async Task<T> CreateAsync<T>(T entity, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject
    {
        await Enter("create");
        var json = JsonSerializer.SerializeToNode(entity, KubeJson.Options)!.AsObject();
        var metadata = json["metadata"]!.AsObject();
        var name = metadata["name"]?.GetValue<string>() ?? metadata["generateName"]!.GetValue<string>() + Guid.NewGuid().ToString("N")[..5];
        metadata["name"] = name;
        var key = (Plural<T>(), Key(metadata["namespace"]?.GetValue<string>(), name));
        lock (_lock)
        {
            if (_objects.ContainsKey(key))
            {
                throw new KubernetesAlreadyExistsException(new ApiStatus { Code = 409, Reason = "AlreadyExists", Message = $"{name} already exists" });
            }

            metadata["uid"] = Guid.NewGuid().ToString();
            Store(key, json, "ADDED");
            return json.Deserialize<T>(KubeJson.Options)!;
        }
    }

    public async Task<T> UpdateAsync<T>(T entity, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject
    {
        await Enter("update");
        var json = JsonSerializer.SerializeToNode(entity, KubeJson.Options)!.AsObject();
        var key = (Plural<T>(), Key(entity.Metadata.Namespace, entity.Metadata.Name!));
        lock (_lock)
        {
            if (!_objects.TryGetValue(key, out var existing))
            {
                throw new KubernetesNotFoundException(new ApiStatus { Code = 404, Reason = "NotFound", Message = "not found" });
            }

            var current = existing["metadata"]!["resourceVersion"]!.GetValue<string>();
            if (entity.Metadata.ResourceVersion is { } rv && rv != current)
            {
                throw new KubernetesConflictException(new ApiStatus { Code = 409, Reason = "Conflict", Message = "the object has been modified" });
            }

            Store(key, json, "MODIFIED");
            return json.Deserialize<T>(KubeJson.Options)!;
        }
    }

    public Task<T> UpdateStatusAsync<T>(T entity, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject =>
        UpdateAsync(entity, cancellationToken);

    public async Task<T> PatchAsync<T>(string name, string? @namespace, KubePatch patch, string? subresource = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject
    {
        await Enter("patch");
        if (patch.Type != KubePatchType.Merge)
        {
            throw new KubernetesApiException(HttpStatusCode.UnsupportedMediaType, new ApiStatus { Code = 415, Message = "only merge patches here" });
        }

        var key = (Plural<T>(), Key(@namespace, name));
        lock (_lock)
        {
            if (!_objects.TryGetValue(key, out var existing))
            {
                throw new KubernetesNotFoundException(new ApiStatus { Code = 404, Reason = "NotFound", Message = "not found" });
            }

            var merged = (JsonObject)existing.DeepClone();
            foreach (var (field, value) in JsonNode.Parse(patch.Body)!.AsObject())
            {
                merged[field] = value?.DeepClone();
            }

            Store(key, merged, "MODIFIED");
            return merged.Deserialize<T>(KubeJson.Options)!;
        }
    }

    public async Task<bool> DeleteAsync<T>(string name, string? @namespace = null, DeleteOptions? options = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject
    {
        await Enter("delete");
        var key = (Plural<T>(), Key(@namespace, name));
        lock (_lock)
        {
            if (!_objects.Remove(key, out var existing))
            {
                return false;
            }

            _rv++;
            existing["metadata"]!["resourceVersion"] = _rv.ToString(CultureInfo.InvariantCulture);
            Publish(key.Item1, "DELETED", existing);
            return true;
        }
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(string? @namespace = null, WatchOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject
    {
        await Enter("watch");
        WatchCalls++;
        WatchResourceVersions.Add(options?.ResourceVersion);
        var channel = Channel.CreateUnbounded<(string Type, JsonObject Object)>();
        var resource = Plural<T>();
        lock (_lock)
        {
            var from = long.Parse(options?.ResourceVersion ?? "0", CultureInfo.InvariantCulture);
            if (from < _oldestResumable)
            {
                channel.Writer.TryWrite(("ERROR", JsonSerializer.SerializeToNode(new ApiStatus { Status = "Failure", Code = 410, Reason = "Expired", Message = "too old resource version" }, KubeJson.Options)!.AsObject()));
                channel.Writer.TryComplete();
            }
            else
            {
                foreach (var (rv, r, type, o) in _history)
                {
                    if (r == resource && rv > from)
                    {
                        channel.Writer.TryWrite((type, o));
                    }
                }

                _watchers.Add((resource, channel));
            }
        }

        try
        {
            await foreach (var (type, o) in channel.Reader.ReadAllAsync(cancellationToken))
            {
                var eventType = WatchStreamReader.ParseType(type);
                yield return eventType == WatchEventType.Error
                    ? new WatchEvent<T>(eventType, default, o.Deserialize<ApiStatus>(KubeJson.Options))
                    : new WatchEvent<T>(eventType, o.Deserialize<T>(KubeJson.Options));
            }
        }
        finally
        {
            lock (_lock)
            {
                _watchers.RemoveAll(w => w.Channel == channel);
            }
        }
    }

    public IResourceClient Resource(ResourceDescriptor resource) => throw new NotSupportedException("untyped access is covered against the embedded API server");

    private static string Plural<T>() => ResourceDescriptor.For(typeof(T)).Plural;

    private static string Key(string? @namespace, string name) => string.IsNullOrEmpty(@namespace) ? name : $"{@namespace}/{name}";

    private async Task Enter(string verb)
    {
        Calls++;
        if (BeforeCall is { } before)
        {
            await before(verb);
        }

        if (Failure is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>Under the lock.</summary>
    private void Store((string, string) key, JsonObject json, string type)
    {
        _rv++;
        json["metadata"]!["resourceVersion"] = _rv.ToString(CultureInfo.InvariantCulture);
        _objects[key] = json;
        Publish(key.Item1, type, json);
    }

    private void Publish(string resource, string type, JsonObject json)
    {
        var copy = (JsonObject)json.DeepClone();
        _history.Add((_rv, resource, type, copy));
        foreach (var (r, channel) in _watchers)
        {
            if (r == resource)
            {
                channel.Writer.TryWrite((type, copy));
            }
        }
    }
}
