namespace Spool.Kube.Informers;

/// <summary>
/// Callbacks of an informer. Each handler gets its own queue and task, so a slow handler delays only itself, never the
/// watch stream nor other handlers. Exceptions are logged and swallowed. Deletes observed only through a relist go to
/// <see cref="OnDeleteFinalStateUnknown"/> when set, otherwise to <see cref="OnDelete"/> with the last known state.
/// </summary>
public sealed record ResourceEventHandler<T>
{
    public Action<T>? OnAdd { get; init; }

    /// <summary>Old, then new.</summary>
    public Action<T, T>? OnUpdate { get; init; }

    public Action<T>? OnDelete { get; init; }

    public Action<DeletedFinalStateUnknown<T>>? OnDeleteFinalStateUnknown { get; init; }

    /// <summary>One callback for every kind of change, given the key; the usual choice for feeding a work queue.</summary>
    public static ResourceEventHandler<T> ForKeys(Action<string> enqueue, Func<T, string> key) => new()
    {
        OnAdd = o => enqueue(key(o)),
        OnUpdate = (_, n) => enqueue(key(n)),
        OnDelete = o => enqueue(key(o)),
        OnDeleteFinalStateUnknown = t => enqueue(t.Key),
    };
}
