using System.Text.Json.Nodes;
using Spool.Api;

namespace Spool.Kube;

/// <summary>Untyped access to one resource; objects are JSON.</summary>
public interface IResourceClient
{
    ResourceDescriptor Resource { get; }

    Task<JsonObject?> GetAsync(string name, string? @namespace = null, CancellationToken cancellationToken = default);

    Task<EntityList<JsonObject>> ListAsync(string? @namespace = null, ListOptions? options = null, CancellationToken cancellationToken = default);

    Task<JsonObject> CreateAsync(JsonObject entity, string? @namespace = null, CancellationToken cancellationToken = default);

    Task<JsonObject> UpdateAsync(JsonObject entity, string? subresource = null, CancellationToken cancellationToken = default);

    Task<JsonObject> PatchAsync(string name, string? @namespace, KubePatch patch, string? subresource = null, CancellationToken cancellationToken = default);

    Task<bool> DeleteAsync(string name, string? @namespace = null, DeleteOptions? options = null, CancellationToken cancellationToken = default);

    IAsyncEnumerable<WatchEvent<JsonObject>> WatchAsync(string? @namespace = null, WatchOptions? options = null, CancellationToken cancellationToken = default);
}
