using Spool.Api;

namespace Spool.Kube.Informers;

/// <summary>Ready-made index functions for <see cref="InformerStore{T}"/>.</summary>
public static class InformerIndexes
{
    public const string Namespace = "namespace";

    public static Func<T, IEnumerable<string>> ByNamespace<T>()
        where T : IKubernetesObject =>
        o => o.Metadata.Namespace is { } ns ? [ns] : [];

    /// <summary>Indexes by the value of one label; objects without it are not indexed.</summary>
    public static Func<T, IEnumerable<string>> ByLabel<T>(string label)
        where T : IKubernetesObject =>
        o => o.Metadata.Labels is { } labels && labels.TryGetValue(label, out var value) ? [value] : [];
}
