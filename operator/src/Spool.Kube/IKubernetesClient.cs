using Spool.Api;

namespace Spool.Kube;

/// <summary>
/// The narrow Kubernetes surface Spool uses, shaped like KubeOps' <c>IKubernetesClient</c> so that the real
/// package can replace this layer in one place. Types name their resource with <see cref="KubernetesEntityAttribute"/>.
/// Errors surface as <see cref="KubernetesApiException"/> subtypes built from the server's Status body.
/// </summary>
public interface IKubernetesClient
{
    /// <summary>Returns null on 404.</summary>
    Task<T?> GetAsync<T>(string name, string? @namespace = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject;

    /// <summary>One page; follow <c>Metadata.Continue</c> for the next, or use <see cref="ListAllAsync{T}"/>.</summary>
    Task<EntityList<T>> ListAsync<T>(string? @namespace = null, ListOptions? options = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject;

    /// <summary>Every page of a list, as one list, with the resourceVersion of the first page.</summary>
    Task<EntityList<T>> ListAllAsync<T>(string? @namespace = null, ListOptions? options = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject;

    /// <summary>Honours <c>metadata.generateName</c>.</summary>
    Task<T> CreateAsync<T>(T entity, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject;

    /// <summary>Replace; <c>metadata.resourceVersion</c> is the precondition. Throws <see cref="KubernetesConflictException"/> when stale.</summary>
    Task<T> UpdateAsync<T>(T entity, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject;

    /// <summary>Replace through the status subresource, with the same precondition.</summary>
    Task<T> UpdateStatusAsync<T>(T entity, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject;

    /// <summary>Merge, JSON or server-side apply patch, on the object or on a subresource such as <c>status</c>.</summary>
    Task<T> PatchAsync<T>(string name, string? @namespace, KubePatch patch, string? subresource = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject;

    /// <summary>Returns false when the object was already gone.</summary>
    Task<bool> DeleteAsync<T>(string name, string? @namespace = null, DeleteOptions? options = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject;

    /// <summary>
    /// One watch connection. Ends when the server closes it; ERROR events (410 Gone included) are yielded, not thrown,
    /// so that an informer can relist. Use an informer for a resumed, relisting watch.
    /// </summary>
    IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(string? @namespace = null, WatchOptions? options = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject;

    /// <summary>Untyped access to any resource, built-in or custom.</summary>
    IResourceClient Resource(ResourceDescriptor resource);
}
