using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Spool.Api.V1Alpha1;

/// <summary>
/// Replica-aware placement: read a healthy secondary instead of loading the primary, falling back as the
/// policy allows. A replica is healthy when its lag (annotation or condition) is at most maxLagSeconds.
/// </summary>
public sealed record ReplicaPolicySpec
{
    /// <summary>Which replica to read: PreferSecondary and PreferPrimary fall back to the other role, SecondaryOnly and PrimaryOnly fail instead.</summary>
    [DefaultValue(ReplicaPolicy.PreferSecondary)]
    public ReplicaPolicy Policy { get; init; } = ReplicaPolicy.PreferSecondary;

    /// <summary>Pod label that carries the replica's role.</summary>
    [DefaultValue("role")]
    public string RoleLabel { get; init; } = "role";

    /// <summary>Value of the role label that marks the primary.</summary>
    [DefaultValue("primary")]
    public string PrimaryValue { get; init; } = "primary";

    /// <summary>Pod annotation holding the replication lag in seconds.</summary>
    [DefaultValue("spool.dev/replication-lag-seconds")]
    public string LagAnnotation { get; init; } = "spool.dev/replication-lag-seconds";

    /// <summary>Pod condition type that must be True for a secondary to count as healthy, if set.</summary>
    public string? HealthyCondition { get; init; }

    /// <summary>Largest acceptable replication lag for a secondary.</summary>
    [Range(0, 86400)]
    [DefaultValue(30)]
    public int MaxLagSeconds { get; init; } = 30;

    /// <summary>PreferPrimary: fall back to a secondary when the primary node's load annotation exceeds this (0 to 1).</summary>
    [Range(0.0, 1.0)]
    public double? MaxPrimaryLoad { get; init; }
}
