using System.Text.Json.Nodes;
using Spool.Api;

namespace Spool.Kube;

/// <summary>Untyped access through the same pipeline as the typed calls.</summary>
internal sealed class ResourceClient(KubernetesClient client, ResourceDescriptor resource) : IResourceClient
{
    public ResourceDescriptor Resource { get; } = resource;

    public Task<JsonObject?> GetAsync(string name, string? @namespace = null, CancellationToken cancellationToken = default) =>
        client.GetCoreAsync<JsonObject>(Resource, name, @namespace, cancellationToken);

    public Task<EntityList<JsonObject>> ListAsync(string? @namespace = null, ListOptions? options = null, CancellationToken cancellationToken = default) =>
        client.ListCoreAsync<JsonObject>(Resource, @namespace, options, cancellationToken);

    public Task<JsonObject> CreateAsync(JsonObject entity, string? @namespace = null, CancellationToken cancellationToken = default) =>
        client.CreateCoreAsync<JsonObject>(Resource, (JsonObject)entity.DeepClone(), @namespace, cancellationToken);

    public Task<JsonObject> UpdateAsync(JsonObject entity, string? subresource = null, CancellationToken cancellationToken = default) =>
        client.UpdateCoreAsync<JsonObject>(Resource, (JsonObject)entity.DeepClone(), subresource, cancellationToken);

    public Task<JsonObject> PatchAsync(string name, string? @namespace, KubePatch patch, string? subresource = null, CancellationToken cancellationToken = default) =>
        client.PatchCoreAsync<JsonObject>(Resource, name, @namespace, patch, subresource, cancellationToken);

    public Task<bool> DeleteAsync(string name, string? @namespace = null, DeleteOptions? options = null, CancellationToken cancellationToken = default) =>
        client.DeleteCoreAsync(Resource, name, @namespace, options, cancellationToken);

    public IAsyncEnumerable<WatchEvent<JsonObject>> WatchAsync(string? @namespace = null, WatchOptions? options = null, CancellationToken cancellationToken = default) =>
        client.WatchCoreAsync<JsonObject>(Resource, @namespace, options, cancellationToken);
}
