using Spool.Api.Core;

namespace Spool.Operator.Decisions;

/// <summary>Whether a node can run a stream now: it exists, is Ready, and its agent Lease is fresh.</summary>
public static class NodeHealth
{
    public const string NodeDeleted = "NodeDeleted";
    public const string NodeNotReady = "NodeNotReady";
    public const string AgentLeaseExpired = "AgentLeaseExpired";

    /// <summary>Null when the node is healthy; otherwise the failover reason and a message.</summary>
    public static (string Reason, string Message)? Check(ClusterSnapshot cluster, string node)
    {
        var found = cluster.FindNode(node);
        if (found is null)
        {
            return (NodeDeleted, $"node {node} does not exist");
        }

        if (!IsReady(found))
        {
            return (NodeNotReady, $"node {node} is not Ready");
        }

        var expiry = LeaseExpiry(cluster, node);
        if (expiry is null)
        {
            return (AgentLeaseExpired, $"agent Lease {cluster.Settings.LeaseName(node)} does not exist");
        }

        if (expiry <= cluster.Now)
        {
            return (AgentLeaseExpired, $"agent Lease {cluster.Settings.LeaseName(node)} expired at {expiry.Value.UtcDateTime:O}");
        }

        return null;
    }

    public static bool IsHealthy(ClusterSnapshot cluster, string node) => Check(cluster, node) is null;

    public static bool IsReady(Node node) =>
        node.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    /// <summary>
    /// When the operator saw the current renewTime (or acquireTime) appear, plus leaseDurationSeconds; null when the
    /// Lease is missing or was never renewed. The agent's own timestamp is used only when no sighting is recorded.
    /// </summary>
    public static DateTimeOffset? LeaseExpiry(ClusterSnapshot cluster, string node)
    {
        var lease = cluster.FindAgentLease(node);
        var renewed = lease?.Spec.RenewTime ?? lease?.Spec.AcquireTime;
        if (lease is null || renewed is null)
        {
            return null;
        }

        if (cluster.AgentLeaseRenewalsSeen.TryGetValue(lease.Metadata.Name ?? "", out var seen))
        {
            renewed = seen;
        }

        var duration = lease.Spec.LeaseDurationSeconds is { } seconds && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : cluster.Settings.DefaultAgentLeaseDuration;
        return renewed.Value + duration;
    }
}
