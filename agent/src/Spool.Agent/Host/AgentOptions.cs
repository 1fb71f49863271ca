namespace Spool.Agent.Host;

/// <summary>Settings of <c>spool-agent run</c>; every duration goes through the agent's <see cref="TimeProvider"/>.</summary>
public sealed record AgentOptions
{
    public const string DefaultNamespace = "spool-system";
    public const string DefaultKubeletRoot = "/var/lib/kubelet";

    /// <summary>The node this agent serves (env NODE_NAME).</summary>
    public required string NodeName { get; init; }

    /// <summary>Namespace of the agent's own Lease (env POD_NAMESPACE).</summary>
    public string Namespace { get; init; } = DefaultNamespace;

    /// <summary>Written as the Lease holder: node and pod, so that a restarted pod is told apart.</summary>
    public string Identity { get; init; } = "";

    /// <summary>Namespace of the operator's catalog ConfigMaps; the agent's own namespace when null.</summary>
    public string? CatalogNamespace { get; init; }

    public string KubeletRoot { get; init; } = DefaultKubeletRoot;

    /// <summary>Prepended to TapeDrive.spec.path, so that a test or a simulated node can map node paths elsewhere.</summary>
    public string DriveRootPrefix { get; init; } = "";

    /// <summary>Prepended to RestoreJob nodePath targets, for the same reason.</summary>
    public string HostPathPrefix { get; init; } = "";

    public TimeSpan LeaseRenewInterval { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(6);

    public int? HealthPort { get; init; }

    /// <summary>How long a CSI VolumeSnapshot may take to become readyToUse, and the clone pod to appear.</summary>
    public TimeSpan SnapshotTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a volume that is not mounted on this node yet (pod starting, kubelet mounting) is waited for.</summary>
    public TimeSpan VolumeWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Back-off between retries of status writes that failed for reasons other than a conflict.</summary>
    public TimeSpan WriteRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Re-list period of the watches, so that a silently stalled watch cannot hide a fencing event for long.</summary>
    public TimeSpan ResyncInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often the agent looks for Expiring backups on the directory drives it reaches and deletes their tape files;
    /// <see cref="TimeSpan.Zero"/> disables it.
    /// </summary>
    public TimeSpan ReclaimInterval { get; init; } = TimeSpan.FromSeconds(15);

    public string MapDrivePath(string nodePath) => MapPrefixed(DriveRootPrefix, nodePath);

    public string MapHostPath(string nodePath) => MapPrefixed(HostPathPrefix, nodePath);

    private static string MapPrefixed(string prefix, string nodePath) =>
        string.IsNullOrEmpty(prefix) ? nodePath : Path.Join(prefix, nodePath.TrimStart('/'));
}
