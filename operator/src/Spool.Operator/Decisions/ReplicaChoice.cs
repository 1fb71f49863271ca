namespace Spool.Operator.Decisions;

/// <summary>
/// The replica a job reads (<see cref="Claim"/>, <see cref="Role"/> and why), or why none: a wait while the workload
/// cannot be found, or a failure when no replica satisfies the policy.
/// </summary>
public sealed record ReplicaChoice
{
    public const string Primary = "Primary";
    public const string Secondary = "Secondary";

    public string? Claim { get; init; }

    public string? Pod { get; init; }

    /// <summary>Primary or Secondary.</summary>
    public string? Role { get; init; }

    /// <summary>Why this replica, or why none.</summary>
    public string Reason { get; init; } = "";

    public string? WaitReason { get; init; }

    public string? FailReason { get; init; }

    public bool Chosen => Claim is not null;
}
