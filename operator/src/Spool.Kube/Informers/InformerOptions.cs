using Spool.Api;

namespace Spool.Kube.Informers;

public sealed record InformerOptions<T>
    where T : IKubernetesObject
{
    /// <summary>Null watches every namespace (or a cluster-scoped resource).</summary>
    public string? Namespace { get; init; }

    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    /// <summary>LIST page size; the pages are joined before the store is replaced.</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>Server-side watch timeout; each watch picks a random value between this and twice this, as client-go does.</summary>
    public TimeSpan MinWatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>First reconnect delay after a failure; it doubles (with jitter) up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(800);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Secondary indexes of the store by name.</summary>
    public IReadOnlyDictionary<string, Func<T, IEnumerable<string>>>? Indexers { get; init; }
}
