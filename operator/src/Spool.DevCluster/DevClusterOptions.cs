namespace Spool.DevCluster;

/// <summary>
/// Settings of the embedded cluster. The timing defaults mirror a small real cluster scaled down: the kubelet
/// posts node status every 2 s and the node lifecycle controller declares a node Unknown after 6 s without one.
/// </summary>
public sealed record DevClusterOptions
{
    /// <summary>Root of everything the cluster writes: API state, kubeconfig, kubelet roots, shared storage, drives, logs.</summary>
    public string Directory { get; init; } = ".spool";

    public int Nodes { get; init; } = 3;

    public int Drives { get; init; } = 2;

    /// <summary>Loopback port of the API server; 0 picks a free one (and keeps it across API server restarts).</summary>
    public int Port { get; init; }

    /// <summary>Namespace of the operator and the agents (leases, events).</summary>
    public string SystemNamespace { get; init; } = "spool-system";

    public int OperatorReplicas { get; init; } = 2;

    /// <summary>Start the operator replicas and the node agents; off for a bare cluster.</summary>
    public bool StartProcesses { get; init; } = true;

    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a node may miss heartbeats before its Ready condition turns Unknown.</summary>
    public TimeSpan NodeGracePeriod { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>Delay before a crashed agent of a live node is started again, like a DaemonSet's restart back-off.</summary>
    public TimeSpan AgentRestartDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the workload controller and the simulated kubelets reconcile, besides reacting to watches.</summary>
    public TimeSpan ReconcileInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Build configuration whose binaries are started; null uses the one this assembly was built in.</summary>
    public string? Configuration { get; init; }

    /// <summary>Reachability of drive i: the nodes listed, or every node when null.</summary>
    public Func<int, IReadOnlyList<string>?>? DriveNodes { get; init; }

    /// <summary>
    /// CPU limit of each agent, as a fraction of one period in which it may run (like <c>resources.limits.cpu</c>); null is
    /// unlimited. Tests use it to make small backups last long enough to fail them mid-stream.
    /// </summary>
    public double? AgentCpuLimit { get; init; }

    /// <summary>Extra arguments for every operator replica (after the standard ones).</summary>
    public IReadOnlyList<string> OperatorArguments { get; init; } = [];

    /// <summary>Extra arguments for every agent (after the standard ones).</summary>
    public IReadOnlyList<string> AgentArguments { get; init; } = [];

    /// <summary>Extra environment for the operator and agent processes.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Write the cluster's own log lines to the console as well as to logs/spool-dev.log.</summary>
    public bool ConsoleLog { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
