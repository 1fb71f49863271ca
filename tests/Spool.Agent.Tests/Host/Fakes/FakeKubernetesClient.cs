using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using Spool.Api;
using Spool.Kube;

namespace Spool.Agent.Tests.Host.Fakes;

/// <summary>
/// An in-memory object store with resourceVersion preconditions, for unit tests of the agent's write loops. Objects
/// are copied through JSON on the way in and out, as a real server would.
/// </summary>
public sealed class FakeKubernetesClient : IKubernetesClient
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(Type, string, string), string> _objects = [];
    private long _version = 100;

    public List<string> Calls { get; } = [];

    /// <summary>Runs before every status update, e.g. to let a "second writer" bump the object first.</summary>
    public Action<object>? BeforeUpdateStatus { get; set; }

    public int StatusUpdates { get; private set; }

    public T Put<T>(T entity)
        where T : class, IKubernetesObject
    {
        lock (_gate)
        {
            var stored = Stamp(entity, (++_version).ToString(CultureInfo.InvariantCulture), entity.Metadata.Uid ?? Guid.NewGuid().ToString());
            _objects[Key(stored)] = KubeJson.Serialize(stored);
            return Copy(stored);
        }
    }

    public T? Peek<T>(string name, string? @namespace = null)
        where T : class, IKubernetesObject
    {
        lock (_gate)
        {
            return _objects.TryGetValue((typeof(T), @namespace ?? "", name), out var json) ? KubeJson.Deserialize<T>(json) : null;
        }
    }

    public Task<T?> GetAsync<T>(string name, string? @namespace = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject
    {
        Record("get", typeof(T), name);
        return Task.FromResult(Peek<T>(name, @namespace));
    }

    public Task<T> UpdateStatusAsync<T>(T entity, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject
    {
        BeforeUpdateStatus?.Invoke(entity);
        Record("updateStatus", typeof(T), entity.Metadata.Name ?? "");
        StatusUpdates++;
        return Task.FromResult(Replace(entity));
    }

    public Task<T> UpdateAsync<T>(T entity, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject
    {
        Record("update", typeof(T), entity.Metadata.Name ?? "");
        return Task.FromResult(Replace(entity));
    }

    public Task<T> CreateAsync<T>(T entity, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject
    {
        Record("create", typeof(T), entity.Metadata.Name ?? "");
        lock (_gate)
        {
            if (_objects.ContainsKey(Key(entity)))
            {
                throw new KubernetesAlreadyExistsException(new ApiStatus { Code = 409, Reason = "AlreadyExists", Message = "exists" });
            }
        }

        return Task.FromResult(Put(entity));
    }

    public Task<EntityList<T>> ListAsync<T>(string? @namespace = null, ListOptions? options = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject
    {
        lock (_gate)
        {
            var items = _objects.Where(o => o.Key.Item1 == typeof(T) && (@namespace is null || o.Key.Item2 == @namespace))
                .Select(o => KubeJson.Deserialize<T>(o.Value)!).ToList();
            return Task.FromResult(new EntityList<T> { Items = items, Metadata = new ListMeta { ResourceVersion = _version.ToString(CultureInfo.InvariantCulture) } });
        }
    }

    public Task<EntityList<T>> ListAllAsync<T>(string? @namespace = null, ListOptions? options = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject => ListAsync<T>(@namespace, options, cancellationToken);

    public Task<T> PatchAsync<T>(string name, string? @namespace, KubePatch patch, string? subresource = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject => throw new NotSupportedException("the agent does not patch");

    public Task<bool> DeleteAsync<T>(string name, string? @namespace = null, DeleteOptions? options = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject
    {
        lock (_gate)
        {
            return Task.FromResult(_objects.Remove((typeof(T), @namespace ?? "", name)));
        }
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(string? @namespace = null, WatchOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject
    {
        await Task.Yield();
        throw new NotSupportedException("unit tests use the embedded API server for watches");
#pragma warning disable CS0162 // Unreachable: the iterator needs a yield to be one.
        yield break;
#pragma warning restore CS0162
    }

    public IResourceClient Resource(ResourceDescriptor resource) => throw new NotSupportedException();

    private T Replace<T>(T entity)
        where T : class, IKubernetesObject
    {
        lock (_gate)
        {
            if (!_objects.TryGetValue(Key(entity), out var json))
            {
                throw new KubernetesNotFoundException(new ApiStatus { Code = 404, Reason = "NotFound", Message = "not found" });
            }

            var current = KubeJson.Deserialize<T>(json)!;
            if (entity.Metadata.ResourceVersion != current.Metadata.ResourceVersion)
            {
                throw new KubernetesConflictException(new ApiStatus { Code = (int)HttpStatusCode.Conflict, Reason = "Conflict", Message = "the object has been modified" });
            }

            var stored = Stamp(entity, (++_version).ToString(CultureInfo.InvariantCulture), current.Metadata.Uid);
            _objects[Key(stored)] = KubeJson.Serialize(stored);
            return Copy(stored);
        }
    }

    private void Record(string verb, Type type, string name)
    {
        lock (_gate)
        {
            Calls.Add($"{verb} {type.Name} {name}");
        }
    }

    private static (Type, string, string) Key<T>(T entity)
        where T : IKubernetesObject => (typeof(T), entity.Metadata.Namespace ?? "", entity.Metadata.Name ?? "");

    private static T Stamp<T>(T entity, string resourceVersion, string? uid)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(KubeJson.Serialize(entity))!.AsObject();
        var metadata = node["metadata"]!.AsObject();
        metadata["resourceVersion"] = resourceVersion;
        metadata["uid"] = uid;
        return KubeJson.Deserialize<T>(node.ToJsonString())!;
    }

    private static T Copy<T>(T entity) => KubeJson.Deserialize<T>(KubeJson.Serialize(entity))!;
}
