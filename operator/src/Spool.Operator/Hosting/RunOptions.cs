namespace Spool.Operator.Hosting;

/// <summary>What <c>spool-operator run</c> was asked to do.</summary>
public sealed record RunOptions
{
    public string? Kubeconfig { get; init; }

    public string? Context { get; init; }

    /// <summary>The operator's namespace: its leader election Lease lives here.</summary>
    public string Namespace { get; init; } = "spool-system";

    /// <summary>Namespace of the agents' node Leases; the operator's namespace when empty.</summary>
    public string? AgentNamespace { get; init; }

    public string Identity { get; init; } = "";

    public bool LeaderElect { get; init; } = true;

    public string LeaseName { get; init; } = "spool-operator";

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>0 picks a free port; negative disables the listener.</summary>
    public int HealthPort { get; init; } = 8081;

    public int MetricsPort { get; init; } = 8080;

    /// <summary>json or text.</summary>
    public string LogFormat { get; init; } = "json";

    public int Workers { get; init; } = 4;

    public int MaxStreamsPerNode { get; init; } = 4;

    public string MounterImage { get; init; } = "registry.k8s.io/pause:3.10";

    /// <summary>Watch VolumeSnapshots and serve CSISnapshot jobs; off for clusters without snapshot.storage.k8s.io.</summary>
    public bool CsiSnapshots { get; init; } = true;
}
