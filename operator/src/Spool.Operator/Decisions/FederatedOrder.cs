namespace Spool.Operator.Decisions;

/// <summary>
/// The order in which a federated run releases its volumes. Across runs, spec.priority ranks the child jobs when
/// they wait for drives (they carry their run's priority). Within a run:
/// <list type="number">
/// <item>higher workload criticality (annotation spool.dev/criticality on the claim or its pod) first;</item>
/// <item>then volumes on nodes that failed recently, the most recent failure first, before nodes without one;</item>
/// <item>then volumes on nodes with more of the run's volumes first (the longest per-node queue starts earliest);</item>
/// <item>then by node, namespace and claim name, for a total order. Volumes without an owner node come last.</item>
/// </list>
/// </summary>
public static class FederatedOrder
{
    public static IReadOnlyList<SelectedVolume> Sort(IEnumerable<SelectedVolume> volumes, IReadOnlyDictionary<string, DateTimeOffset> nodeFailures)
    {
        var list = volumes.ToList();
        var perNode = list.Where(v => v.Owner.Node is not null).GroupBy(v => v.Owner.Node!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return list.Order(Comparer(nodeFailures, perNode)).ToList();
    }

    public static IComparer<SelectedVolume> Comparer(IReadOnlyDictionary<string, DateTimeOffset> nodeFailures, IReadOnlyDictionary<string, int> volumesPerNode) =>
        Comparer<SelectedVolume>.Create((a, b) =>
        {
            var c = b.Criticality.CompareTo(a.Criticality);
            if (c != 0)
            {
                return c;
            }

            // A volume with a node before one without.
            c = (a.Owner.Node is null).CompareTo(b.Owner.Node is null);
            if (c != 0)
            {
                return c;
            }

            var fa = a.Owner.Node is { } na && nodeFailures.TryGetValue(na, out var ta) ? ta : (DateTimeOffset?)null;
            var fb = b.Owner.Node is { } nb && nodeFailures.TryGetValue(nb, out var tb) ? tb : (DateTimeOffset?)null;
            c = (fa is null).CompareTo(fb is null);
            if (c != 0)
            {
                return c;
            }

            if (fa is { } x && fb is { } y)
            {
                c = y.CompareTo(x);
                if (c != 0)
                {
                    return c;
                }
            }

            var ca = a.Owner.Node is { } ma ? volumesPerNode.GetValueOrDefault(ma) : 0;
            var cb = b.Owner.Node is { } mb ? volumesPerNode.GetValueOrDefault(mb) : 0;
            c = cb.CompareTo(ca);
            if (c != 0)
            {
                return c;
            }

            c = string.CompareOrdinal(a.Owner.Node, b.Owner.Node);
            if (c != 0)
            {
                return c;
            }

            c = string.CompareOrdinal(a.Namespace, b.Namespace);
            return c != 0 ? c : string.CompareOrdinal(a.Claim, b.Claim);
        });
}
