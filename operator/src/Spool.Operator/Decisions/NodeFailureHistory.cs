using Spool.Api.Core;
using Spool.Api.V1Alpha1;

namespace Spool.Operator.Decisions;

/// <summary>
/// When each node last failed, for the federated order ("nodes that failed recently go first", so that their volumes
/// are saved before they fail again). A node fails now when it is unhealthy; it failed at the end of any job attempt
/// ended by a node or agent loss there, and when its Ready condition came back (a transition later than a minute after
/// the node registered). Only failures within <c>window</c> count.
/// </summary>
public static class NodeFailureHistory
{
    private static readonly IReadOnlySet<string> NodeReasons = new HashSet<string>(StringComparer.Ordinal)
    {
        NodeHealth.NodeNotReady, NodeHealth.AgentLeaseExpired, NodeHealth.NodeDeleted, Reasons.AgentFailed,
    };

    public static IReadOnlyDictionary<string, DateTimeOffset> From(ClusterSnapshot cluster, IEnumerable<IReadOnlyList<Attempt>?> attempts, TimeSpan window)
    {
        var since = cluster.Now - window;
        var result = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);

        void Note(string? node, DateTimeOffset? at)
        {
            if (node is null || at is not { } time || time < since)
            {
                return;
            }

            if (!result.TryGetValue(node, out var seen) || seen < time)
            {
                result[node] = time > cluster.Now ? cluster.Now : time;
            }
        }

        foreach (var node in cluster.Nodes)
        {
            var name = node.Metadata.Name;
            if (name is null)
            {
                continue;
            }

            if (!NodeHealth.IsHealthy(cluster, name))
            {
                Note(name, cluster.Now);
                continue;
            }

            var ready = node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
            if (ready?.LastTransitionTime is { } back && (node.Metadata.CreationTimestamp is not { } created || back > created + TimeSpan.FromMinutes(1)))
            {
                Note(name, back);
            }
        }

        foreach (var list in attempts)
        {
            foreach (var attempt in list ?? [])
            {
                if (attempt.Reason is { } reason && NodeReasons.Contains(reason))
                {
                    Note(attempt.Node, attempt.EndTime);
                }
            }
        }

        return result;
    }
}
