using System.Collections.Concurrent;
using Spool.Api.Core;

namespace Spool.Operator.Controllers;

/// <summary>
/// When this operator first saw each agent Lease's current renewTime, on its own clock. A Lease's renewTime is written
/// by the agent's clock; judging it against the operator's clock would let a skewed node look expired (or alive)
/// forever. Like client-go's leader election and the node lifecycle controller, a Lease expires its duration after the
/// operator last saw it change. A new leader has seen nothing yet: every Lease starts fresh and must then be renewed.
/// </summary>
public sealed class LeaseObservations
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset? Renewed, DateTimeOffset Seen)> _seen = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public LeaseObservations(TimeProvider time) => _time = time;

    /// <summary>Records a sighting; true when the Lease was not live just before it (first seen, or expired since its last renewal).</summary>
    public bool Observe(Lease lease, TimeSpan defaultDuration)
    {
        var name = lease.Metadata.Name;
        if (name is null)
        {
            return false;
        }

        var now = _time.GetUtcNow();
        var duration = lease.Spec.LeaseDurationSeconds is { } seconds && seconds > 0 ? TimeSpan.FromSeconds(seconds) : defaultDuration;
        var wasLive = _seen.TryGetValue(name, out var before) && before.Renewed is not null && before.Seen + duration > now;
        Record(name, lease, now);
        return !wasLive;
    }

    public void Forget(Lease lease)
    {
        if (lease.Metadata.Name is { } name)
        {
            _seen.TryRemove(name, out _);
        }
    }

    /// <summary>Lease name to the time its current renewTime was first seen, observing any Lease not seen yet.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> SeenRenewals(IEnumerable<Lease> leases)
    {
        var result = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var lease in leases)
        {
            if (lease.Metadata.Name is not { } name || (lease.Spec.RenewTime ?? lease.Spec.AcquireTime) is null)
            {
                continue;
            }

            result[name] = Record(name, lease, _time.GetUtcNow());
        }

        return result;
    }

    /// <summary>Keeps the first sighting of the current renewTime; a new renewTime is seen now.</summary>
    private DateTimeOffset Record(string name, Lease lease, DateTimeOffset now)
    {
        var renewed = lease.Spec.RenewTime ?? lease.Spec.AcquireTime;
        return _seen.AddOrUpdate(name, (renewed, now), (_, old) => old.Renewed == renewed ? old : (renewed, now)).Seen;
    }
}
