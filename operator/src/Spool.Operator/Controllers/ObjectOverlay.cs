using System.Collections.Concurrent;
using System.Globalization;
using Spool.Api;

namespace Spool.Operator.Controllers;

/// <summary>
/// The objects this operator wrote, kept until the informer has caught up with them. Without it a reconcile that runs
/// right after a write would see the informer's older copy and decide on stale claims (the expectations of
/// controller-runtime, narrowed to our own writes). resourceVersions are compared as numbers, as etcd and the
/// embedded API server issue them; one that is not a number never wins over the informer.
/// </summary>
public sealed class ObjectOverlay<T>
    where T : class, IKubernetesObject
{
    private readonly ConcurrentDictionary<string, T> _written = new(StringComparer.Ordinal);

    public void Remember(string key, T written) => _written[key] = written;

    public void Forget(string key) => _written.TryRemove(key, out _);

    /// <summary>The fresher of the informer's copy and our last write.</summary>
    public T? Resolve(string key, T? cached)
    {
        if (!_written.TryGetValue(key, out var ours))
        {
            return cached;
        }

        if (cached is null)
        {
            return null;
        }

        if (Version(cached) >= Version(ours))
        {
            _written.TryRemove(new KeyValuePair<string, T>(key, ours));
            return cached;
        }

        return ours;
    }

    private static long Version(T entity) =>
        long.TryParse(entity.Metadata.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : long.MaxValue;
}
