using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Spool.Api.V1Alpha1;

/// <summary>
/// Replica-aware placement, for a claim of a replicated workload: the replicas are the pods that share the
/// controller of the pod mounting the claim (a StatefulSet, for example) and carry roleLabel, and each replica's
/// volume is the claim it mounts under the same pod volume name. The replica is chosen once, before the first
/// assignment, and kept for the rest of the job.
/// </summary>
public sealed record ReplicaPolicySpec
{
    /// <summary>Which replica to read: PreferSecondary and PreferPrimary fall back to the other role, SecondaryOnly and PrimaryOnly fail the job instead (reason NoHealthySecondary or PrimaryUnavailable); with neither role usable a Prefer policy fails with NoUsableReplica.</summary>
    [DefaultValue(ReplicaPolicy.PreferSecondary)]
    public ReplicaPolicy Policy { get; init; } = ReplicaPolicy.PreferSecondary;

    /// <summary>Pod label that carries the replica's role.</summary>
    [DefaultValue("role")]
    public string RoleLabel { get; init; } = "role";

    /// <summary>Value of the role label that marks the primary.</summary>
    [DefaultValue("primary")]
    public string PrimaryValue { get; init; } = "primary";

    /// <summary>Pod annotation holding the replication lag in seconds (a number, an optional trailing "s"); a secondary without it is not healthy.</summary>
    [DefaultValue("spool.dev/replication-lag-seconds")]
    public string LagAnnotation { get; init; } = "spool.dev/replication-lag-seconds";

    /// <summary>Pod condition type that must be True for a secondary to count as healthy, if set.</summary>
    public string? HealthyCondition { get; init; }

    /// <summary>Largest acceptable replication lag for a secondary.</summary>
    [Range(0, 86400)]
    [DefaultValue(30)]
    public int MaxLagSeconds { get; init; } = 30;

    /// <summary>The primary is not read while the load of its node (annotation nodeLoadAnnotation, 0 to 1) exceeds this: PreferPrimary reads a healthy secondary instead, PrimaryOnly and PreferSecondary's fall-back fail. A node without the annotation counts as not loaded.</summary>
    [Range(0.0, 1.0)]
    public double? MaxPrimaryLoad { get; init; }

    /// <summary>Node annotation holding the node's load as a fraction from 0 to 1 (for example CPU use), written by the cluster's monitoring; read only with maxPrimaryLoad.</summary>
    [DefaultValue("spool.dev/node-load")]
    public string NodeLoadAnnotation { get; init; } = "spool.dev/node-load";
}
