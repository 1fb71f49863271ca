using Spool.Api.Core;
using Spool.Api.V1Alpha1;

namespace Spool.Operator.Decisions;

/// <summary>What every job decision reads besides the job itself.</summary>
public sealed record ClusterSnapshot
{
    public IReadOnlyList<TapeDrive> Drives { get; init; } = [];

    public IReadOnlyList<Node> Nodes { get; init; } = [];

    /// <summary>The agents' Leases <c>spool-agent-&lt;node&gt;</c>.</summary>
    public IReadOnlyList<Lease> AgentLeases { get; init; } = [];

    /// <summary>
    /// Agent Lease name to when the operator first saw its current renewTime, on the operator's clock. A Lease missing
    /// here is judged by its renewTime (pure decisions in tests, which share one clock).
    /// </summary>
    public IReadOnlyDictionary<string, DateTimeOffset> AgentLeaseRenewalsSeen { get; init; } = new Dictionary<string, DateTimeOffset>();

    /// <summary>Jobs in phase Running per node, not counting the job being decided.</summary>
    public IReadOnlyDictionary<string, int> RunningPerNode { get; init; } = new Dictionary<string, int>();

    /// <summary>Other jobs waiting for drives; the arbiter serves them with this one by priority, then age.</summary>
    public IReadOnlyList<QueuedJob> Queue { get; init; } = [];

    public DateTimeOffset Now { get; init; }

    public OperatorSettings Settings { get; init; } = new();

    public TapeDrive? FindDrive(string name)
    {
        foreach (var drive in Drives)
        {
            if (drive.Metadata.Name == name)
            {
                return drive;
            }
        }

        return null;
    }

    public Node? FindNode(string? name)
    {
        if (name is null)
        {
            return null;
        }

        foreach (var node in Nodes)
        {
            if (node.Metadata.Name == name)
            {
                return node;
            }
        }

        return null;
    }

    public Lease? FindAgentLease(string node)
    {
        var name = Settings.LeaseName(node);
        foreach (var lease in AgentLeases)
        {
            if (lease.Metadata.Name == name)
            {
                return lease;
            }
        }

        return null;
    }

    public int RunningOn(string node) => RunningPerNode.TryGetValue(node, out var count) ? count : 0;
}
