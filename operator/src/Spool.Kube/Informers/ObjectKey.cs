using Spool.Api;

namespace Spool.Kube.Informers;

/// <summary>Store keys as client-go's MetaNamespaceKeyFunc makes them: <c>namespace/name</c>, or <c>name</c> when cluster-scoped.</summary>
public static class ObjectKey
{
    public static string Of(IKubernetesObject entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return Of(entity.Metadata.Namespace, entity.Metadata.Name ?? throw new ArgumentException("object has no name", nameof(entity)));
    }

    public static string Of(string? @namespace, string name) => string.IsNullOrEmpty(@namespace) ? name : $"{@namespace}/{name}";

    /// <summary>Splits a key back into namespace (null when cluster-scoped) and name.</summary>
    public static (string? Namespace, string Name) Split(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (null, key) : (key[..slash], key[(slash + 1)..]);
    }
}
