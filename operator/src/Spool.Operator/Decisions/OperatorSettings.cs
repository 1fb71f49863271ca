namespace Spool.Operator.Decisions;

/// <summary>Tunables the deciders read; the run command fills them from flags.</summary>
public sealed record OperatorSettings
{
    /// <summary>Namespace of the agents' per-node Leases.</summary>
    public string AgentNamespace { get; init; } = "spool-system";

    public string AgentLeasePrefix { get; init; } = "spool-agent-";

    /// <summary>The operator's own namespace, where the catalog ConfigMaps live; the agent namespace when empty.</summary>
    public string? OperatorNamespace { get; init; }

    /// <summary>Streams (jobs in phase Running) per node, over all jobs.</summary>
    public int MaxStreamsPerNode { get; init; } = 4;

    /// <summary>Lease duration assumed when an agent Lease does not say.</summary>
    public TimeSpan DefaultAgentLeaseDuration { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>First and last delay of the stateless backoff for waiting jobs.</summary>
    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Safety-net re-check of a job queued for a drive or a stream slot; releases wake it sooner.</summary>
    public TimeSpan QueuedRecheck { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a Running job is looked at when nothing changes (lease expiry comes sooner).</summary>
    public TimeSpan RunningResync { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A claim ahead of its job's epoch (the operator died between claim and assignment) is released after this.</summary>
    public TimeSpan ClaimGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How far back a node failure counts for the federated order (nodes that failed recently go first).</summary>
    public TimeSpan FailureHistoryWindow { get; init; } = TimeSpan.FromHours(24);

    public string MounterImage { get; init; } = "registry.k8s.io/pause:3.10";

    /// <summary>The cluster serves snapshot.storage.k8s.io/v1: CSISnapshot jobs get clones; off, they are refused.</summary>
    public bool CsiSnapshots { get; init; } = true;

    public string LeaseName(string node) => AgentLeasePrefix + node;
}
